/**
 * Reads what `kindred import` prints back into numbers, so tests compare counts rather than text:
 * the per-type table on stdout and the `file:line: reason` lines on stderr. Strict: a table row
 * that does not parse fails the test, so a change in the format is noticed, not skipped over.
 */

export interface TypeCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportReport {
  byType: Record<string, TypeCounts>;
  total: TypeCounts;
  rejected: number;
}

const count = (text: string): number => Number(text.replace(/,/g, ''));

/** Parses the table printed on stdout (header, one row per type, total, "rejected: N"). */
export function parseImportReport(stdout: string): ImportReport {
  const lines = stdout.trimEnd().split('\n');
  const header = lines.findIndex((l) => /^type\s+created\s+updated\s+unchanged$/.test(l));
  if (header < 0) throw new Error(`no import table on stdout:\n${stdout}`);
  const byType: Record<string, TypeCounts> = {};
  let total: TypeCounts | undefined;
  let rejected: number | undefined;
  for (const line of lines.slice(header + 1)) {
    const rejectedMatch = /^rejected: ([\d,]+)$/.exec(line);
    if (rejectedMatch) {
      rejected = count(rejectedMatch[1]!);
      continue;
    }
    const row = /^(\S+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)$/.exec(line);
    if (!row) throw new Error(`unexpected line in the import table: "${line}"\n${stdout}`);
    const counts = { created: count(row[2]!), updated: count(row[3]!), unchanged: count(row[4]!) };
    if (row[1] === 'total') total = counts;
    else byType[row[1]!] = counts;
  }
  if (total === undefined || rejected === undefined) throw new Error(`the import table has no total or rejected line:\n${stdout}`);
  return { byType, total, rejected };
}

export interface RejectedLine {
  file: string;
  /** "12" for an ndjson line, "entry 3" for a Bundle entry */
  position: string;
  reason: string;
}

/** The `file:line: reason` lines on stderr, for the files a test names (progress lines are not mistaken for them). */
export function rejectedLines(stderr: string, files: readonly string[]): RejectedLine[] {
  const out: RejectedLine[] = [];
  for (const line of stderr.split('\n')) {
    const file = files.find((f) => line.startsWith(`${f}:`));
    if (file === undefined) continue;
    const match = /^((?:entry )?\d+): (.+)$/.exec(line.slice(file.length + 1));
    if (match) out.push({ file, position: match[1]!, reason: match[2]! });
  }
  return out;
}

/** The same counts for each of the given types, for building expected tables. */
export function countsFor(types: Record<string, number>, outcome: keyof TypeCounts): Record<string, TypeCounts> {
  return Object.fromEntries(Object.entries(types).map(([type, n]) => [type, { created: 0, updated: 0, unchanged: 0, [outcome]: n }]));
}
