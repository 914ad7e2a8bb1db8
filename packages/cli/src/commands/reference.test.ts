/**
 * `kindred reference load imd` and `kindred reference list`, run in-process on a temporary SQLite
 * data folder (the table itself is tested on both backends in @kindred/store). The published file
 * is read from ../shared/data/imd at the project root (Open Government Licence v3.0, see SOURCE.md).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@kindred/store';
import { runCli as run } from '../testing/run-cli.ts';

const IMD_2025 = fileURLToPath(new URL('../../../../../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv', import.meta.url));
const noPublishedFile = existsSync(IMD_2025) ? undefined : 'skipped: ../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv is not there (the published IMD 2025 file)';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-reference-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function deciles(codes: string[], edition?: string): Promise<Map<string, number>> {
  const store = await openStore({ kind: 'sqlite', dataDir: data });
  try {
    return await store.reference.imdDeciles(codes, edition);
  } finally {
    await store.close();
  }
}

describe('kindred reference', () => {
  it('list says when nothing is loaded', async () => {
    expect(await run(['reference', 'list', '--data', data])).toMatchObject({ code: 0, out: expect.stringMatching(/^No IMD edition is loaded/) as string });
  });

  it('loads a small file under the edition given, showing progress', async () => {
    const file = join(dir, 'small.csv');
    writeFileSync(file, 'lsoa_code,imd_rank,imd_decile\nE01000001,29199,9\nE01000002,30379,10\n');
    const result = await run(['reference', 'load', 'imd', file, '--edition', 'imd2019', '--data', data]);
    expect(result).toMatchObject({ code: 0, out: 'Loaded IMD edition "imd2019": 2 LSOAs into SQLite at ' + join(data, 'kindred.db') + '; it is now the edition in use.\n' });
    expect(result.err).toMatch(/Loading IMD edition imd2019 .*done: 2 LSOAs/s);
    expect(await deciles(['E01000001', 'E01000002'])).toEqual(new Map([['E01000001', 9], ['E01000002', 10]]));
  });

  it('a bad line loads nothing and names the line', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'lsoa_code,imd_rank,imd_decile\nE01000001,1,1\nE01000002,2,0\n');
    expect(await run(['reference', 'load', 'imd', file, '--edition', 'imd2019', '--data', data])).toMatchObject({
      code: 1,
      err: 'kindred reference: Line 3 of bad.csv: the decile of E01000002 must be a whole number from 1 (the most deprived 10%) to 10, not "0".\n',
    });
    expect(await deciles(['E01000001'], 'imd2019')).toEqual(new Map([['E01000001', 9]]));
  });

  it('usage mistakes exit 2 and say what to give', async () => {
    expect(await run(['reference', 'load', 'imd', '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/Give the IMD CSV file to load/) as string });
    expect(await run(['reference', 'load', 'census', 'x.csv', '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown reference table "census"; the one there is: imd/) as string });
    expect(await run(['reference', 'load', 'imd', join(dir, 'missing.csv'), '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/there is no such file/) as string });
    expect((await run(['reference', '--data', data])).code).toBe(2);
  });

  it.skipIf(noPublishedFile !== undefined)(`loads the published IMD 2025 file, named after the file, and lists both editions${noPublishedFile ? ` (${noPublishedFile})` : ''}`, async () => {
    const result = await run(['reference', 'load', 'imd', IMD_2025, '--data', data]);
    expect(result).toMatchObject({ code: 0, out: expect.stringMatching(/^Loaded IMD edition "imd2025_england_lsoa21_rank_decile": 33,755 LSOAs/) as string });
    expect(await deciles(['E01000001'])).toEqual(new Map([['E01000001', 8]]));
    const listed = await run(['reference', 'list', '--data', data]);
    expect(listed.out.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^imd {2}imd2025_england_lsoa21_rank_decile {2}33,755 LSOAs {2}loaded .* {2}\(in use\)$/),
      expect.stringMatching(/^imd {2}imd2019 {2}2 LSOAs {2}loaded \S+$/),
    ]);
  });
});
