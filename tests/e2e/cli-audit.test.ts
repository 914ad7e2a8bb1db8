/**
 * `kindred audit verify` as an operator runs it, in a child process, on each backend: an intact
 * trail exits 0 with its count; a trail changed underneath (the append-only guard removed with a
 * direct database connection, as someone holding the database could) exits 1 naming the entry,
 * when it was recorded and why.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '@kindred/store';
import { cliBackends, scratchDir, type CliRecord } from './cli/cli-records.ts';
import { runKindred } from './cli/kindred-process.ts';

const backends = await cliBackends();

/** Each command starts a Node process that compiles TypeScript: seconds each on a busy machine. */
const TIMEOUT_MS = 300_000;

function event(second: number): AuditEventInput {
  return {
    event: {
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      action: 'R',
      recorded: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
      outcome: '0',
      agent: [{ who: { reference: 'Practitioner/dr-1' }, requestor: true }],
    },
    patientIds: ['p-1'],
  };
}

/** Runs SQL on the record directly, outside Kindred. */
async function direct(record: CliRecord, statements: readonly string[]): Promise<void> {
  if (record.sqliteFile !== undefined) {
    const db = new Database(record.sqliteFile);
    try {
      for (const statement of statements) db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const url = record.flags[record.flags.indexOf('--database-url') + 1];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`kindred audit verify on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, { timeout: TIMEOUT_MS }, () => {
    let record: CliRecord;
    beforeEach(async () => {
      record = await backend.create();
      const store = await record.open();
      try {
        await store.audit.append([event(1), event(2), event(3)]);
      } finally {
        await store.close();
      }
    });
    afterEach(async () => {
      await record?.destroy();
    });

    it('says the trail is intact with its count and exits 0', async () => {
      const result = await runKindred(['audit', 'verify', ...record.flags]);
      // no progress bar when stderr is not a terminal (other modules may warn there; that is theirs to say)
      expect(result.stderr).not.toContain('Verifying');
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe('audit trail intact: 3 entries');
      expect(result.stdout).toMatch(/^last entry's hash: [0-9a-f]{64}$/m);
    });

    it('names the first entry changed underneath it, when it was recorded and why, and exits 1', async () => {
      const edit = "UPDATE audit_entry SET content = replace(content, 'Practitioner/dr-1', 'Practitioner/someone-else') WHERE seq = 2";
      // the database refuses the change while the guard is in place
      await expect(direct(record, [edit])).rejects.toThrow(/append-only/);
      const removeGuard =
        backend.name === 'SQLite' ? ['DROP TRIGGER audit_entry_no_update'] : ['ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only'];
      await direct(record, [...removeGuard, edit]);
      const result = await runKindred(['audit', 'verify', ...record.flags]);
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n')[0]).toBe(
        'audit trail broken: entry 2 (recorded 2026-01-01T00:00:02.000Z) does not hold: hash mismatch: its content is not what was written',
      );
    });

    it('kindred export is on the trail, as the administrator, and the chain still verifies', async () => {
      const out = scratchDir('cli-audit-export');
      try {
        expect((await runKindred(['export', out.path, ...record.flags])).code).toBe(0);
      } finally {
        out.remove();
      }
      const store = await record.open();
      try {
        const rows = await store.driver.query<{ content: string }>('SELECT content FROM audit_entry WHERE seq = 4');
        const exported = JSON.parse(rows[0]?.content ?? '{}') as { type?: { code: string }; agent?: { altId?: string }[] };
        expect(exported.type?.code).toBe('110106');
        expect(exported.agent?.[0]?.altId).toBe('administrator');
      } finally {
        await store.close();
      }
      const result = await runKindred(['audit', 'verify', ...record.flags]);
      expect(result.stdout.split('\n')[0]).toBe('audit trail intact: 4 entries');
    });

    it('kindred import is on the trail once per run, with the files and counts, and the chain still verifies', async () => {
      const dir = scratchDir('cli-audit-import');
      try {
        const file = join(dir.path, 'Patient.ndjson');
        writeFileSync(file, `${JSON.stringify({ resourceType: 'Patient', id: 'imp-1' })}\n${JSON.stringify({ resourceType: 'Patient', id: 'imp-2' })}\n{"not json\n`);
        expect((await runKindred(['import', file, ...record.flags])).code).toBe(1);
      } finally {
        dir.remove();
      }
      const store = await record.open();
      try {
        const rows = await store.driver.query<{ content: string }>('SELECT content FROM audit_entry WHERE seq > 3 ORDER BY seq');
        expect(rows).toHaveLength(1);
        const imported = JSON.parse(rows[0]?.content ?? '{}') as { type?: { code: string }; outcome?: string; outcomeDesc?: string; entity?: { description?: string }[] };
        expect(imported.type?.code).toBe('110107');
        expect(imported.outcome).toBe('4');
        expect(imported.outcomeDesc).toBe('1 line(s) rejected');
        expect(JSON.stringify(imported)).toContain('kindred import of Patient.ndjson: Patient 2 created, 0 updated, 0 unchanged');
      } finally {
        await store.close();
      }
      expect((await runKindred(['audit', 'verify', ...record.flags])).stdout.split('\n')[0]).toBe('audit trail intact: 4 entries');
    });

    it('names the entry after one deleted underneath it', async () => {
      const removeGuard =
        backend.name === 'SQLite' ? ['DROP TRIGGER audit_entry_no_delete'] : ['ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only'];
      await direct(record, [...removeGuard, 'DELETE FROM audit_entry WHERE seq = 2']);
      const result = await runKindred(['audit', 'verify', ...record.flags]);
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n')[0]).toBe(
        'audit trail broken: entry 3 (recorded 2026-01-01T00:00:03.000Z) does not hold: missing predecessor: entry 2 is not in the trail',
      );
    });
  });
}

describe('kindred audit usage', { timeout: TIMEOUT_MS }, () => {
  it('without "verify" exits 2 with the usage', async () => {
    const result = await runKindred(['audit', '--data', 'nowhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('kindred audit: Name what to do: verify.');
    expect(result.stderr).toContain('kindred audit verify [--data DIR | --database-url URL]');
  });
});
