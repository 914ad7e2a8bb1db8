/**
 * The `kindred` command as people and scripts use it: every case runs the real command in a child
 * process (`node packages/cli/bin/kindred.js …`) and checks what it prints, its exit code and what
 * it left in the record — read back with `kindred export`, over HTTP from `kindred serve`, or by
 * opening the store in the test. Runs on SQLite always and on PostgreSQL when a server answers
 * (each test gets its own data folder or its own database).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { writeAreaNdjson } from '../../bench/area/index.ts';
import { cliBackends, scratchDir, type CliRecord } from './cli/cli-records.ts';
import { searchIds, searchTotal, fhirRequest } from './cli/fhir-http.ts';
import {
  BUNDLE_UUIDS,
  TEST_SYSTEM,
  condition,
  mixedLines,
  patient,
  smallRecord,
  transactionBundle,
  writeNdjson,
} from './cli/fixtures.ts';
import { countsFor, parseImportReport, rejectedLines } from './cli/import-report.ts';
import { runKindred, startKindred, startServer, type RunningServer } from './cli/kindred-process.ts';
import { checkIndexRows, countRows, keyOf, readExport, storedResources, withoutServerMeta } from './cli/record-contents.ts';

const backends = await cliBackends();

const USAGE_HEAD = /^Kindred \S+: one shared FHIR R4 record/m;
/** Each command starts a Node process that compiles TypeScript: seconds each on a busy two-core machine, so the budgets are wide. */
const USAGE_TIMEOUT_MS = 180_000;
const RECORD_TIMEOUT_MS = 420_000;

/** The JSON payload of a JWT (the middle segment). */
function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('kindred usage', { timeout: USAGE_TIMEOUT_MS }, () => {
  it('--help lists every command and exits 0', async () => {
    const result = await runKindred(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Kindred \d+\.\d+\.\d+\S*: one shared FHIR R4 record/);
    expect(result.stdout).toContain('Usage: kindred <command> [options]');
    for (const command of ['serve', 'import', 'export', 'token', 'bench']) expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(result.stdout).toContain('Run "kindred <command> --help" for one command\'s options.');
  });

  it('with no command prints the usage and exits 2', async () => {
    const result = await runKindred([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(USAGE_HEAD);
  });

  it('import --help prints the import usage and exits 0', async () => {
    const result = await runKindred(['import', '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toMatch(/^kindred import PATH… \[--data DIR \| --database-url URL\] \[--batch N\]/);
    expect(result.stdout).toContain('Importing the same files twice changes nothing.');
  });

  it('an unknown command exits 2 with the message and the usage on stderr', async () => {
    const result = await runKindred(['frobnicate', '--data', 'nowhere']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe('kindred: unknown command "frobnicate".');
    expect(result.stderr).toMatch(USAGE_HEAD);
    expect(result.stderr).toContain('Usage: kindred <command> [options]');
  });

  it('bad flags exit 2 with what is wrong and the command usage, before touching any record', async () => {
    const scratch = scratchDir('cli-flags');
    const data = join(scratch.path, 'data');
    try {
      const cases: { args: string[]; message: RegExp }[] = [
        { args: ['import', 'x.ndjson', '--bogus', '--data', data], message: /^kindred import: Unknown option '--bogus'/ },
        { args: ['import', '--data', data], message: /^kindred import: Name at least one ndjson file, JSON file or folder to import\.$/m },
        { args: ['import', 'x.ndjson', '--batch', '0', '--data', data], message: /^kindred import: --batch must be a whole number from 1 to 100000\.$/m },
        { args: ['import', 'x.ndjson', '--database-url', 'mysql://db.example/kindred'], message: /^kindred import: --database-url must be a postgres:\/\/ url/m },
        { args: ['export', '--data', data], message: /^kindred export: Name one folder to write the ndjson files into\.$/m },
        { args: ['export', 'a', 'b', '--data', data], message: /^kindred export: Name one folder/m },
        { args: ['serve', '--port', '70000', '--data', data], message: /^kindred serve: --port must be a whole number from 0 to 65535 \(got "70000"\)\.$/m },
        { args: ['token', '--data', data, '--scope'], message: /^kindred token: Option '--scope <value>' argument missing/m },
      ];
      const results = await Promise.all(cases.map((c) => runKindred(c.args)));
      results.forEach((result, i) => {
        const { args, message } = cases[i]!;
        expect(result.code, `kindred ${args.join(' ')}\n${result.stderr}`).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(message);
        // the usage of that command follows the message
        expect(result.stderr).toMatch(new RegExp(`^kindred ${args[0]!} `, 'm'));
      });
      expect(existsSync(data), 'a usage mistake must not create a data folder').toBe(false);
    } finally {
      scratch.remove();
    }
  });

  it('--data with --database-url together exits 2 for every command that opens the record', async () => {
    const scratch = scratchDir('cli-both');
    const data = join(scratch.path, 'data');
    try {
      // a url nobody listens on: the command must refuse before trying it
      const both = ['--data', data, '--database-url', 'postgres://nobody@127.0.0.1:1/none'];
      const runs = await Promise.all([
        runKindred(['import', join(scratch.path, 'x.ndjson'), ...both]),
        runKindred(['export', join(scratch.path, 'out'), ...both]),
        runKindred(['token', ...both]),
        runKindred(['serve', '--port', '0', ...both]),
      ]);
      for (const [i, command] of ['import', 'export', 'token', 'serve'].entries()) {
        const result = runs[i]!;
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr.split('\n')[0]).toBe(`kindred ${command}: Give either --data DIR (SQLite) or --database-url URL (PostgreSQL), not both.`);
      }
      expect(existsSync(data)).toBe(false);
      expect(existsSync(join(scratch.path, 'out'))).toBe(false);
    } finally {
      scratch.remove();
    }
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`kindred on ${backend.name}${backend.skip === undefined ? '' : ` (${backend.skip})`}`, { timeout: RECORD_TIMEOUT_MS }, () => {
    let record: CliRecord;
    let work: { path: string; remove(): void };

    beforeEach(async () => {
      record = await backend.create();
      work = scratchDir('cli-work');
    });

    afterEach(async () => {
      await record?.destroy();
      work?.remove();
    });

    const kindred = (...args: string[]) => runKindred([...args, ...record.flags]);

    /** Reads each resource back from the store and compares it with what was imported. */
    async function expectStored(resources: readonly Resource[]): Promise<void> {
      const store = await record.open();
      try {
        for (const resource of resources) {
          const stored = await store.repository.read(resource.resourceType, resource.id!);
          expect(stored.meta.versionId).toBe('1');
          expect(withoutServerMeta(stored)).toEqual(resource);
        }
      } finally {
        await store.close();
      }
    }

    async function issueToken(scope?: string): Promise<string> {
      const result = await kindred('token', ...(scope === undefined ? [] : ['--scope', scope]));
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim();
    }

    it('imports a folder: files named after a type, skipping others and saying so; progress on stderr, counts per type on stdout', async () => {
      const folder = join(work.path, 'bulk');
      mkdirSync(folder);
      const { patients, observations } = smallRecord('folder');
      writeNdjson(folder, 'Patient.ndjson', patients);
      writeNdjson(folder, 'Observation.000.ndjson', observations);
      writeFileSync(join(folder, 'log.ndjson'), '{"level":"info","msg":"export finished"}\n');
      writeFileSync(join(folder, 'README.txt'), 'not data\n');

      const result = await kindred('import', folder);
      expect(result.code, result.stderr).toBe(0);
      const stderr = result.stderr.split('\n');
      expect(stderr[0]).toBe(`Importing into ${record.description}`);
      expect(stderr).toContain(`skipped ${join(folder, 'log.ndjson')}: not named after a resource type (e.g. Patient.ndjson)`);
      expect(result.stderr).not.toContain('README.txt');
      expect(result.stderr).toMatch(/^Importing \[[█░]{28}\] 100% {2}7 resources/m);
      expect(result.stderr).toMatch(/^Importing done: 7 resources from 2 files in \d+:\d\d$/m);

      const report = parseImportReport(result.stdout);
      expect(report.byType).toEqual({ Observation: { created: 4, updated: 0, unchanged: 0 }, Patient: { created: 3, updated: 0, unchanged: 0 } });
      expect(report.total).toEqual({ created: 7, updated: 0, unchanged: 0 });
      expect(report.rejected).toBe(0);
      await expectStored([...patients, ...observations]);
    });

    it('imports ndjson files named one by one, whatever their names, and a JSON file holding one resource', async () => {
      const { patients, observations } = smallRecord('files');
      const first = writeNdjson(work.path, 'first-batch.ndjson', patients);
      const second = writeNdjson(work.path, 'more.jsonl', observations);
      const single = join(work.path, 'one-condition.json');
      const lone = condition('files-condition', 'files-pat-0');
      writeFileSync(single, JSON.stringify(lone, null, 2));

      const result = await kindred('import', first, second, single);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toContain('skipped');
      expect(result.stderr).toMatch(/^Importing done: 8 resources from 3 files in /m);
      const report = parseImportReport(result.stdout);
      expect(report.byType).toEqual(countsFor({ Condition: 1, Observation: 4, Patient: 3 }, 'created'));
      expect(report.total).toEqual({ created: 8, updated: 0, unchanged: 0 });
      await expectStored([...patients, ...observations, lone]);
    });

    it('imports a transaction Bundle from a JSON file: ids from the urn:uuid fullUrls, references rewritten to Type/id', async () => {
      const file = join(work.path, 'referral-bundle.json');
      writeFileSync(file, JSON.stringify(transactionBundle()));
      const result = await kindred('import', file);
      expect(result.code, result.stderr).toBe(0);
      const report = parseImportReport(result.stdout);
      expect(report.byType).toEqual(countsFor({ Condition: 1, Encounter: 1, Observation: 1, Patient: 1, Practitioner: 1 }, 'created'));
      expect(report.rejected).toBe(0);

      const store = await record.open();
      try {
        const { repository } = store;
        const patientRead = await repository.read('Patient', BUNDLE_UUIDS.patient);
        expect(patientRead.name).toEqual([{ use: 'official', family: 'Adeyemi', given: ['Alex'] }]);
        const encounter = await repository.read('Encounter', BUNDLE_UUIDS.encounter);
        expect(encounter.subject).toEqual({ reference: `Patient/${BUNDLE_UUIDS.patient}` });
        // an entry whose resource has its own id keeps it, and references to its urn follow
        expect(encounter.diagnosis).toEqual([{ condition: { reference: 'Condition/bundle-condition' } }]);
        const observationRead = await repository.read('Observation', BUNDLE_UUIDS.observation);
        expect(observationRead.subject).toEqual({ reference: `Patient/${BUNDLE_UUIDS.patient}` });
        expect(observationRead.encounter).toEqual({ reference: `Encounter/${BUNDLE_UUIDS.encounter}` });
        const conditionRead = await repository.read('Condition', 'bundle-condition');
        expect(conditionRead.subject).toEqual({ reference: `Patient/${BUNDLE_UUIDS.patient}` });
        // a fullUrl naming a server's Practitioner/bundle-gp gives the id
        expect((await repository.read('Practitioner', 'bundle-gp')).name).toEqual([{ family: 'Morgan', prefix: ['Dr'] }]);
        const everything = (await storedResources(store.driver)).map((row) => row.resource);
        expect(everything).toHaveLength(5);
        expect(JSON.stringify(everything)).not.toContain('urn:uuid:');
        // the search indexes hold the rewritten references, so searches by reference find them
        const index = await checkIndexRows(store.driver);
        expect(index.mismatches).toEqual([]);
        const referencesToPatient = await countRows(store.driver, 'SELECT COUNT(*) AS n FROM idx_reference WHERE target_type = ? AND target_id = ?', ['Patient', BUNDLE_UUIDS.patient]);
        expect(referencesToPatient).toBeGreaterThanOrEqual(3);
      } finally {
        await store.close();
      }
    });

    it('reports every bad line as file:line: reason, imports every good line, and exits 1', async () => {
      const mixed = mixedLines();
      const file = join(work.path, 'Patient.mixed.ndjson');
      writeFileSync(file, mixed.text);
      const batch = join(work.path, 'collection.json');
      const batchGood = patient('batch-good', 31, 'Lewis');
      writeFileSync(
        batch,
        JSON.stringify({
          resourceType: 'Bundle',
          type: 'collection',
          entry: [{ fullUrl: 'https://example.org/fhir/Patient/batch-good', resource: batchGood }, { fullUrl: 'urn:uuid:0b0d4c2e-58b5-4cbb-9a09-000000000002' }, { resource: { resourceType: 'Patient', id: 'batch-bad', birthDate: 'last spring' } }],
        }),
      );

      const result = await kindred('import', file, batch);
      expect(result.code, result.stderr).toBe(1);
      const rejected = rejectedLines(result.stderr, [file, batch]);
      const expectedPositions = [...[...mixed.bad.keys()].map((line) => `${file}:${line}`), `${batch}:entry 2`, `${batch}:entry 3`];
      // every bad line once, reported in file order then line order
      expect(rejected.map((r) => `${r.file}:${r.position}`)).toEqual(expectedPositions);
      for (const r of rejected.filter((x) => x.file === file)) expect(r.reason).toMatch(mixed.bad.get(Number(r.position))!);
      expect(rejected.find((r) => r.position === 'entry 2')?.reason).toBe('the entry has no resource');
      expect(rejected.find((r) => r.position === 'entry 3')?.reason).toMatch(/birthDate/);

      const report = parseImportReport(result.stdout);
      expect(report.rejected).toBe(mixed.bad.size + 2);
      expect(report.byType).toEqual(countsFor({ Observation: 1, Patient: 3 }, 'created'));

      // read back through the command line: exactly the good lines are in the record
      const out = join(work.path, 'export');
      const exported = await kindred('export', out);
      expect(exported.code, exported.stderr).toBe(0);
      const record_ = readExport(out);
      const good = [...mixed.good, batchGood];
      expect(Object.values(record_).flat().map(keyOf).sort()).toEqual(good.map(keyOf).sort());
      for (const resource of Object.values(record_).flat()) expect(withoutServerMeta(resource)).toEqual(good.find((g) => keyOf(g) === keyOf(resource)));
    });

    it('is idempotent: a second import of the same files reports everything unchanged and changes neither the record nor its history', async () => {
      const folder = join(work.path, 'bulk');
      mkdirSync(folder);
      const { patients, observations } = smallRecord('again');
      writeNdjson(folder, 'Patient.ndjson', patients);
      writeNdjson(folder, 'Observation.ndjson', observations);
      writeFileSync(join(folder, 'Bundle.referral.json'), JSON.stringify(transactionBundle()));
      const types = { Condition: 1, Encounter: 1, Observation: 5, Patient: 4, Practitioner: 1 };

      const first = await kindred('import', folder);
      expect(first.code, first.stderr).toBe(0);
      expect(parseImportReport(first.stdout).byType).toEqual(countsFor(types, 'created'));
      const before = join(work.path, 'export-1');
      expect((await kindred('export', before)).code).toBe(0);
      const store = await record.open();
      const versionsBefore = await countRows(store.driver, 'SELECT COUNT(*) AS n FROM resource_version');
      await store.close();

      const second = await kindred('import', folder);
      expect(second.code, second.stderr).toBe(0);
      const report = parseImportReport(second.stdout);
      expect(report.byType).toEqual(countsFor(types, 'unchanged'));
      expect(report.total).toEqual({ created: 0, updated: 0, unchanged: 12 });

      const after = join(work.path, 'export-2');
      expect((await kindred('export', after)).code).toBe(0);
      expect(readdirSync(after).sort()).toEqual(readdirSync(before).sort());
      for (const name of readdirSync(before)) expect(readFileSync(join(after, name), 'utf8'), name).toBe(readFileSync(join(before, name), 'utf8'));
      const reopened = await record.open();
      try {
        expect(versionsBefore).toBe(12);
        expect(await countRows(reopened.driver, 'SELECT COUNT(*) AS n FROM resource_version')).toBe(versionsBefore);
        expect(await countRows(reopened.driver, 'SELECT COUNT(*) AS n FROM resource WHERE version <> 1')).toBe(0);
      } finally {
        await reopened.close();
      }
    });

    it('exports ndjson per type equal to what was imported; --type and --since select; a bad --type or --since exits 2', async () => {
      const { patients, observations } = smallRecord('export');
      const firstFiles = [writeNdjson(work.path, 'Patient.ndjson', patients), writeNdjson(work.path, 'Observation.ndjson', observations)];
      expect((await kindred('import', ...firstFiles)).code).toBe(0);
      // every version of the first import was written before this instant (its process has ended)
      const between = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const renamed: Resource = { ...patients[0]!, name: [{ use: 'official', family: 'Okafor-Reid', given: ['Alex'] }] };
      const conditions = [condition('export-cond-0', 'export-pat-0'), condition('export-cond-1', 'export-pat-1')];
      const later = await kindred('import', writeNdjson(work.path, 'later.ndjson', [renamed, ...conditions]));
      expect(later.code, later.stderr).toBe(0);
      expect(parseImportReport(later.stdout).byType).toEqual({ Condition: { created: 2, updated: 0, unchanged: 0 }, Patient: { created: 0, updated: 1, unchanged: 0 } });
      const current = [renamed, patients[1]!, patients[2]!, ...observations, ...conditions];

      // the exports only read, so they run side by side
      const all = join(work.path, 'all');
      const some = join(work.path, 'some');
      const since = join(work.path, 'since');
      const badSinceValues = ['yesterday', '2024-01-01T00:00:00', '2024-13-45T00:00:00Z'];
      const [exported, typed, changed, badType, ...badSinces] = await Promise.all([
        kindred('export', all),
        kindred('export', some, '--type', 'Patient,Observation'),
        kindred('export', since, '--since', between),
        kindred('export', join(work.path, 'bad-type'), '--type', 'Patient,Wizard'),
        ...badSinceValues.map((value) => kindred('export', join(work.path, 'bad-since'), '--since', value)),
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout.trimEnd().split('\n').sort()).toEqual([`${join(all, 'Condition.ndjson')}\t2`, `${join(all, 'Observation.ndjson')}\t4`, `${join(all, 'Patient.ndjson')}\t3`]);
      expect(exported.stderr).toMatch(/^Exporting done: 9 resources in /m);
      const everything = readExport(all);
      expect(Object.keys(everything).sort()).toEqual(['Condition', 'Observation', 'Patient']);
      // one resource per line, each the one imported last with its id, apart from the meta the server sets
      expect(readFileSync(join(all, 'Patient.ndjson'), 'utf8').split('\n')).toHaveLength(4);
      const byKey = new Map(current.map((r) => [keyOf(r), r]));
      for (const resource of Object.values(everything).flat()) {
        expect(withoutServerMeta(resource)).toEqual(byKey.get(keyOf(resource)));
        expect(resource.meta?.versionId).toBe(keyOf(resource) === keyOf(renamed) ? '2' : '1');
      }
      expect(Object.values(everything).flat()).toHaveLength(current.length);

      expect(typed.code, typed.stderr).toBe(0);
      expect(readdirSync(some).sort()).toEqual(['Observation.ndjson', 'Patient.ndjson']);
      expect(readExport(some)).toEqual({ Observation: everything.Observation, Patient: everything.Patient });

      expect(changed.code, changed.stderr).toBe(0);
      const recent = readExport(since);
      expect(Object.keys(recent).sort()).toEqual(['Condition', 'Patient']);
      expect(recent.Patient!.map(keyOf)).toEqual([keyOf(renamed)]);
      expect(recent.Condition!.map(keyOf).sort()).toEqual(conditions.map(keyOf).sort());

      expect(badType.code).toBe(2);
      expect(badType.stderr.split('\n')[0]).toBe('kindred export: --type: "Wizard" is not a FHIR R4 resource type.');
      badSinces.forEach((badSince, i) => {
        const value = badSinceValues[i]!;
        expect(badSince.code, value).toBe(2);
        expect(badSince.stderr.split('\n')[0]).toBe(`kindred export: --since must be a FHIR instant with a time zone, e.g. 2024-01-01T00:00:00Z (got "${value}").`);
      });
      expect(existsSync(join(work.path, 'bad-type'))).toBe(false);
      expect(existsSync(join(work.path, 'bad-since'))).toBe(false);
    });

    it('serve: says where it runs and how to get a token, serves /, /healthz and /fhir/metadata, and stops cleanly on SIGTERM', async () => {
      const server = await startServer(record.flags);
      let stopped = false;
      try {
        expect(server.port).toBeGreaterThan(0);
        expect(server.banner).toBe(`Kindred ${/^Kindred (\S+)/.exec(server.banner)![1]} is running at http://localhost:${server.port} (FHIR API at http://localhost:${server.port}/fhir) on ${record.description}.`);
        // how to get a token for this very record; following the advice gives a token this server takes
        const advice = await server.process.waitForOutput(/^Get a bearer token with: npx kindred (token.*)$/m, 'stdout');
        expect(advice[1]).toBe(['token', ...record.flags].join(' '));
        const advised = await runKindred(advice[1]!.split(' '));
        expect(advised.code, advised.stderr).toBe(0);
        expect((await fhirRequest(server.origin, '/fhir/Patient', { token: advised.stdout.trim() })).status).toBe(200);

        const home = await fhirRequest(server.origin, '/');
        expect(home.status).toBe(200);
        expect(home.contentType).toMatch(/^text\/html/);
        expect(home.text).toContain('Kindred is running');
        expect(home.text).toContain('npx kindred token');

        const health = await fhirRequest(server.origin, '/healthz');
        expect(health.status).toBe(200);
        expect(health.json).toEqual({ status: 'ok', database: 'reachable', version: /^Kindred (\S+)/.exec(server.banner)![1] });

        const metadata = await fhirRequest(server.origin, '/fhir/metadata');
        expect(metadata.status).toBe(200);
        expect(metadata.json?.resourceType).toBe('CapabilityStatement');
        expect(metadata.json?.fhirVersion).toBe('4.0.1');

        const anonymous = await fhirRequest(server.origin, '/fhir/Patient');
        expect(anonymous.status).toBe(401);
        expect(anonymous.json?.resourceType).toBe('OperationOutcome');

        const exit = await server.process.stop('SIGTERM');
        stopped = true;
        expect(exit).toEqual({ code: 0, signal: null });
        expect(server.process.stdout).toMatch(/^Stopping…$/m);
        await expect(fetch(`${server.origin}/healthz`)).rejects.toThrow();
      } finally {
        if (!stopped) await server.process.stop('SIGKILL');
      }
    });

    it('token: prints one line, a signed JWT; a narrowed scope reads Patients and gets 403 on Observation; a bad scope fails', async () => {
      const { patients, observations } = smallRecord('token');
      const [full, narrow, bad, patientScope, imported] = await Promise.all([
        kindred('token'),
        kindred('token', '--scope', 'system/Patient.rs'),
        kindred('token', '--scope', 'everything/Patient.xyz'),
        kindred('token', '--scope', 'patient/Patient.rs'),
        kindred('import', writeNdjson(work.path, 'Patient.ndjson', patients), writeNdjson(work.path, 'Observation.ndjson', observations)),
      ]);
      expect(full.code, full.stderr).toBe(0);
      expect(full.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
      const token = full.stdout.trim();
      expect(jwtPart(token, 0)).toMatchObject({ alg: 'ES256' });
      const claims = jwtPart(token, 1);
      expect(claims).toMatchObject({ sub: 'administrator', scope: 'system/*.cruds' });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

      expect(narrow.code, narrow.stderr).toBe(0);
      expect(narrow.stdout.split('\n')).toHaveLength(2);
      const patientsOnly = narrow.stdout.trim();
      expect(jwtPart(patientsOnly, 1).scope).toBe('system/Patient.rs');

      expect(bad.code).not.toBe(0);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/^kindred token: invalid_scope: "everything\/Patient\.xyz" is not a SMART scope/);
      expect(patientScope.code).not.toBe(0);
      expect(patientScope.stderr).toMatch(/^kindred token: invalid_scope: patient\/Patient\.rs needs a patient in context/);

      expect(imported.code, imported.stderr).toBe(0);
      const server = await startServer(record.flags);
      try {
        const { origin } = server;
        expect((await fhirRequest(origin, '/fhir/Observation/token-obs-0', { token })).status).toBe(200);
        expect((await fhirRequest(origin, '/fhir/Patient/token-pat-1', { token: patientsOnly })).json?.id).toBe('token-pat-1');
        expect((await searchIds(origin, patientsOnly, 'Patient?family=Nguyen'))).toEqual(['token-pat-1']);
        for (const path of ['/fhir/Observation/token-obs-0', '/fhir/Observation?subject=Patient/token-pat-0']) {
          const refused = await fhirRequest(origin, path, { token: patientsOnly });
          expect(refused.status, path).toBe(403);
          expect(refused.json?.resourceType).toBe('OperationOutcome');
          expect((refused.json?.issue as { code: string }[])[0]?.code).toBe('forbidden');
        }
        // .rs does not include create
        const create = await fhirRequest(origin, '/fhir/Patient', { token: patientsOnly, body: { resourceType: 'Patient', name: [{ family: 'Nobody' }] } });
        expect(create.status).toBe(403);
      } finally {
        await server.process.stop('SIGTERM');
      }
    });

    it('imports while a server runs on the same data: both succeed, HTTP writes and searches go on, and the server finds every imported resource', async () => {
      const folder = join(work.path, 'area');
      const counts = await writeAreaNdjson(folder, { resources: 8000, seed: 11 });
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(7000);
      const ids: Record<string, string[]> = {};
      for (const type of Object.keys(counts)) {
        ids[type] = readFileSync(join(folder, `${type}.ndjson`), 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as Resource).id!);
      }

      let server: RunningServer | undefined = await startServer(record.flags);
      try {
        const { origin } = server;
        const token = await issueToken();
        // small batches: many short write transactions for the server's writes to interleave with
        const importing = startKindred(['import', folder, '--batch', '250', ...record.flags]);
        const failures: string[] = [];
        let rounds = 0;
        let overlapping = 0;
        // HTTP traffic for as long as the import runs: a create, finding it again, reading it, and a search over what the import is writing
        while (importing.running) {
          const n = rounds++;
          const created = await fhirRequest(origin, '/fhir/Patient', {
            token,
            body: { resourceType: 'Patient', identifier: [{ system: TEST_SYSTEM, value: `live-${n}` }], name: [{ family: `Live${n}` }] },
          });
          if (created.status !== 201) {
            failures.push(`create ${n}: ${created.status} ${created.text.slice(0, 300)}`);
            continue;
          }
          const id = String(created.json?.id);
          const found = await fhirRequest(origin, `/fhir/Patient?identifier=${encodeURIComponent(`${TEST_SYSTEM}|live-${n}`)}`, { token });
          if (found.status !== 200 || (found.json?.entry as unknown[] | undefined)?.length !== 1) failures.push(`search ${n}: ${found.status} ${found.text.slice(0, 300)}`);
          const read = await fhirRequest(origin, `/fhir/Patient/${id}`, { token });
          if (read.status !== 200) failures.push(`read ${n}: ${read.status} ${read.text.slice(0, 300)}`);
          const observations = await fhirRequest(origin, '/fhir/Observation?status=final&_count=20&_sort=-_lastUpdated', { token });
          if (observations.status !== 200) failures.push(`observation search ${n}: ${observations.status} ${observations.text.slice(0, 300)}`);
          // finding what only the import writes (its Observations, or its Patients among the newest) while it still
          // runs means this round overlapped its writing
          const newest = await fhirRequest(origin, '/fhir/Patient?_count=20&_sort=-_lastUpdated&_elements=id', { token });
          if (newest.status !== 200) failures.push(`patient search ${n}: ${newest.status} ${newest.text.slice(0, 300)}`);
          const importedPatients = new Set(ids.Patient ?? []);
          const sawImport =
            ((observations.json?.entry as unknown[] | undefined)?.length ?? 0) > 0 ||
            ((newest.json?.entry as { resource?: { id?: string } }[] | undefined) ?? []).some((e) => importedPatients.has(e.resource?.id ?? ''));
          if (sawImport && importing.running) overlapping++;
        }
        const exit = await importing.exited;
        expect(exit, importing.describe()).toEqual({ code: 0, signal: null });
        expect(failures).toEqual([]);
        expect(overlapping, `HTTP rounds while the import was writing (of ${rounds})`).toBeGreaterThanOrEqual(3);
        const report = parseImportReport(importing.stdout);
        expect(report.byType).toEqual(countsFor(counts, 'created'));
        expect(report.rejected).toBe(0);

        // the running server finds every imported resource, by count and by id
        for (const [type, n] of Object.entries(counts)) {
          expect(await searchTotal(origin, token, type), type).toBe(type === 'Patient' ? n + rounds : n);
          const want = ids[type]!;
          const got: string[] = [];
          for (let i = 0; i < want.length; i += 100) {
            const part = want.slice(i, i + 100);
            got.push(...(await searchIds(origin, token, `${type}?_id=${part.join(',')}&_count=100&_elements=id`)));
          }
          expect(got.sort(), type).toEqual([...want].sort());
        }
        expect(await searchTotal(origin, token, `Patient?identifier=${encodeURIComponent(`${TEST_SYSTEM}|`)}`)).toBe(rounds);
        const exitServer = await server.process.stop('SIGTERM');
        server = undefined;
        expect(exitServer).toEqual({ code: 0, signal: null });
      } finally {
        if (server) await server.process.stop('SIGKILL');
      }
    });
  });
}
