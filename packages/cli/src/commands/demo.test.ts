/** `kindred demo`, run in-process on a temporary SQLite data folder with a few people. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('kindred demo', () => {
  it('makes the demo area, lists the accounts, and says when people get no deprivation', async () => {
    const result = await run(['demo', '--data', dir, '--people', '12', '--seed', '5']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Patient\s+12$/m);
    expect(result.out).toMatch(/demo\.receptionist\s+demo-receptionist-password/);
    expect(result.err).toMatch(/Demo area done: 12 people/);
    expect(result.err).toMatch(/No --imd file: the people have no deprivation/);
  });

  it('leaves a store that has the demo as it is', async () => {
    const again = await run(['demo', '--data', dir, '--people', '12']);
    expect(again).toMatchObject({ code: 0, out: expect.stringMatching(/has the demo area already; nothing was changed/) as string });
  });

  it('refuses a bad number of people or seed with the usage, and an IMD file it cannot read', async () => {
    expect(await run(['demo', '--data', dir, '--people', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--people must be a whole number from 1/) as string });
    expect((await run(['demo', '--data', dir, '--seed', 'abc'])).code).toBe(2);
    const missing = await run(['demo', '--data', join(dir, 'fresh'), '--people', '3', '--imd', join(dir, 'missing.csv')]);
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/Cannot read the deprivation \(IMD\) file/) as string });
  });
});
