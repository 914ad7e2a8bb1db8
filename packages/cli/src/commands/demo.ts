/**
 * `kindred demo [--people N] [--seed S] [--imd FILE] [--force] [--data DIR | --database-url URL]`:
 * fills an empty store with the made-up demo area (organisations, staff, people with access needs
 * and carers, six months of requests and appointments, demo sign-in accounts), with a progress
 * bar. The same seed makes the same area; a store that has the demo already is left as it is.
 */
import { parseArgs } from 'node:util';
import { createDemoArea, MAX_DEMO_PEOPLE, type DemoSummary } from '../demo/index.ts';
import { createProgress, formatCount } from '../progress.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const demoUsage = `kindred demo [--people N] [--seed S] [--imd FILE] [--force] [--data DIR | --database-url URL]

  Makes a made-up local area to try Kindred with or to benchmark it: two GP practices, a hospital
  outpatient service, a mental health service, the council's adult social care and two voluntary
  groups, their staff, N people (default 300) with access needs and carers, six months of online
  requests, appointments and messages, and demo accounts to sign in as each role (listed at the end
  and on the home page of "kindred serve --demo").
  --seed: the same seed makes the same area (default 1). --imd: the English Indices of Deprivation
  LSOA file (lsoa_code, imd_rank, imd_decile), loaded into the reference tables; without it people
  have no deprivation. A store that has the demo already is left as it is. --force adds the demo to
  a store that holds other resources, or makes it again in a demo store whose resources were removed.`;

const DEFAULT_PEOPLE = 300;

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number from ${formatCount(min)} to ${formatCount(max)} (got "${value}").`);
  }
  return n;
}

export function formatDemoSummary(summary: DemoSummary): string {
  if (!summary.created) {
    return ['This store has the demo area already; nothing was changed.', '', ...accountLines(summary)].join('\n');
  }
  const rows = Object.entries(summary.byType).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...rows.map(([t]) => t.length));
  return [
    ...rows.map(([type, n]) => `${type.padEnd(width)}  ${formatCount(n).padStart(9)}`),
    '',
    `Deprivation: ${summary.deprivation}.`,
    `Open requests today: Riverside Medical Practice ${summary.openRequests.riverside}, Hillview Surgery ${summary.openRequests.hillview}.`,
    '',
    ...accountLines(summary),
  ].join('\n');
}

function accountLines(summary: DemoSummary): string[] {
  if (summary.accounts.length === 0) return [];
  const width = Math.max(...summary.accounts.map((a) => a.username.length));
  const passwordWidth = Math.max(...summary.accounts.map((a) => a.password.length));
  return [
    'Demo accounts (username, password, who). Staff also need the one-time code shown on the home page of "kindred serve --demo":',
    ...summary.accounts.map((a) => `  ${a.username.padEnd(width)}  ${a.password.padEnd(passwordWidth)}  ${a.displayName}, ${a.role}`),
  ];
}

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...STORE_OPTIONS, people: { type: 'string' }, seed: { type: 'string' }, imd: { type: 'string' }, force: { type: 'boolean' }, quiet: { type: 'boolean' } },
  });
  const people = wholeNumber(values.people, '--people', DEFAULT_PEOPLE, 1, MAX_DEMO_PEOPLE);
  const seed = wholeNumber(values.seed, '--seed', 1, 0, 2 ** 31 - 1);
  const store = await openStoreFromFlags(values);
  try {
    process.stderr.write(`Making the demo area in ${store.description}\n`);
    const progress = values.quiet === true ? undefined : createProgress('Demo area', people);
    const summary = await createDemoArea(store, {
      people,
      seed,
      now: new Date(),
      ...(values.imd !== undefined ? { imdFile: values.imd } : {}),
      ...(values.force === true ? { force: true } : {}),
      ...(progress ? { onProgress: (done: number, total: number) => progress.update(done, `${formatCount(done)} of ${formatCount(total)} people`) } : {}),
    });
    if (summary.created) progress?.finish(`${formatCount(people)} people`);
    if (values.imd === undefined && summary.created) process.stderr.write('No --imd file: the people have no deprivation (LSOA). Give the IMD LSOA file to see the equity views by deprivation.\n');
    process.stdout.write(`${formatDemoSummary(summary)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
