/**
 * `kindred views run VIEW.json --input FILE.ndjson…`, run in-process as the command line runs it, on
 * small files in a temporary folder: rows as JSON and CSV, several inputs, and the errors (an invalid
 * view or a bad line exits 1 naming it; usage mistakes exit 2).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-views-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ndjson = (resources: unknown[]) => resources.map((resource) => JSON.stringify(resource)).join('\n') + '\n';

const VIEW = file(
  'patient-names.json',
  JSON.stringify({
    resourceType: 'ViewDefinition',
    name: 'patient_names',
    resource: 'Patient',
    status: 'active',
    select: [
      { column: [{ name: 'id', path: 'getResourceKey()' }, { name: 'gender', path: 'gender' }] },
      { forEachOrNull: 'name', column: [{ name: 'family', path: 'family' }, { name: 'given', path: 'given', collection: true }] },
    ],
  }),
);

const PATIENTS = file(
  'patients.ndjson',
  ndjson([
    { resourceType: 'Patient', id: 'p1', gender: 'female', name: [{ family: 'Okafor', given: ['Ada', 'Ngozi'] }] },
    { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' } },
    { resourceType: 'Patient', id: 'p2' },
  ]),
);
const MORE = file('more.ndjson', `\n${JSON.stringify({ resourceType: 'Patient', id: 'p3', name: [{ family: 'Smith, "Jr"' }] })}\n\n`);

describe('kindred views run VIEW.json --input', () => {
  it('prints the rows of every input file as a JSON array, one row per line, in column order', async () => {
    const result = await run(['views', 'run', VIEW, '--input', PATIENTS, '--input', MORE]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      '[\n' +
        '{"id":"Patient/p1","gender":"female","family":"Okafor","given":["Ada","Ngozi"]},\n' +
        '{"id":"Patient/p2","gender":null,"family":null,"given":null},\n' +
        '{"id":"Patient/p3","gender":null,"family":"Smith, \\"Jr\\"","given":[]}\n' +
        ']\n',
    );
    expect(JSON.parse(result.out)).toHaveLength(3);
  });

  it('prints CSV with a header line, quoting where RFC 4180 needs it and collections as JSON', async () => {
    const result = await run(['views', 'run', VIEW, '--input', PATIENTS, '--input', MORE, '--format', 'csv']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      'id,gender,family,given\r\n' +
        'Patient/p1,female,Okafor,"[""Ada"",""Ngozi""]"\r\n' +
        'Patient/p2,,,\r\n' +
        'Patient/p3,,"Smith, ""Jr""",[]\r\n',
    );
  });

  it('prints an empty array when no resource gives a row', async () => {
    const observations = file('observations.ndjson', ndjson([{ resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' } }]));
    expect(await run(['views', 'run', VIEW, '--input', observations])).toMatchObject({ code: 0, out: '[]\n' });
  });

  it('an invalid view exits 1 and says what is wrong and where', async () => {
    const bad = file('bad-view.json', JSON.stringify({ resource: 'Patient', select: [{ column: [{ name: 'id', path: 'id' }, { name: 'id', path: 'gender' }] }] }));
    const result = await run(['views', 'run', bad, '--input', PATIENTS]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/bad-view\.json is not a valid ViewDefinition: view\.select\[0\]\.column\[1\] \(id\): the column name "id" is used twice/);
    expect(result.out).toBe('');
  });

  it('a view file that is not JSON, or is missing, exits 1 naming it', async () => {
    const notJson = file('not-json.json', '{ "resource": ');
    expect(await run(['views', 'run', notJson, '--input', PATIENTS])).toMatchObject({ code: 1, err: expect.stringMatching(/not-json\.json is not valid JSON/) as string });
    expect(await run(['views', 'run', join(dir, 'missing.json'), '--input', PATIENTS])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/Cannot read the ViewDefinition .*missing\.json: there is no such file/) as string,
    });
  });

  it('a bad ndjson line or an unreadable input exits 1 naming the file and line', async () => {
    const broken = file('broken.ndjson', `${JSON.stringify({ resourceType: 'Patient', id: 'p1' })}\n{"resourceType": "Patient",\n`);
    expect(await run(['views', 'run', VIEW, '--input', broken])).toMatchObject({ code: 1, err: expect.stringMatching(/broken\.ndjson line 2: not valid JSON/) as string });
    const notResource = file('array.ndjson', '[1, 2]\n');
    expect(await run(['views', 'run', VIEW, '--input', notResource])).toMatchObject({ code: 1, err: expect.stringMatching(/array\.ndjson line 1: not a FHIR resource/) as string });
    expect(await run(['views', 'run', VIEW, '--input', join(dir, 'nowhere.ndjson')])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/Cannot read .*nowhere\.ndjson: there is no such file/) as string,
    });
    const folder = join(dir, 'a-folder.ndjson');
    mkdirSync(folder);
    expect(await run(['views', 'run', VIEW, '--input', folder])).toMatchObject({ code: 1, err: expect.stringMatching(/a-folder\.ndjson/) as string });
  });

  it('a resource the view cannot turn into a row exits 1 naming the file, line and column', async () => {
    const twoNames = file('two-families.json', JSON.stringify({ resource: 'Patient', select: [{ column: [{ name: 'family', path: 'name.family' }] }] }));
    const result = await run(['views', 'run', twoNames, '--input', PATIENTS, '--input', file('two.ndjson', ndjson([{ resourceType: 'Patient', id: 'x', name: [{ family: 'A' }, { family: 'B' }] }]))]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/two\.ndjson line 1: view\.select\[0\]\.column\[0\] \(family\): "name\.family" gave 2 values for one row; set "collection": true/);
  });

  it('usage mistakes exit 2 and say what to give', async () => {
    expect(await run(['views', 'run', '--input', PATIENTS])).toMatchObject({ code: 2, err: expect.stringMatching(/Give the ViewDefinition file to run/) as string });
    expect(await run(['views', 'run', VIEW])).toMatchObject({ code: 2, err: expect.stringMatching(/Give at least one ndjson file/) as string });
    expect(await run(['views', 'run', VIEW, '--input', PATIENTS, '--format', 'xml'])).toMatchObject({ code: 2, err: expect.stringMatching(/--format must be json or csv, not "xml"/) as string });
    expect(await run(['views', 'run', VIEW, 'other.json', '--input', PATIENTS])).toMatchObject({ code: 2, err: expect.stringMatching(/Give one ViewDefinition file/) as string });
  });
});
