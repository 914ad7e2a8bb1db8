/**
 * `kindred spc FILE`: the XmR chart (NHS "Making Data Count") of a CSV series, as JSON, for scripts
 * and for checking against other tools. Reads the columns `date` and `value` (in any order, other
 * columns ignored) and prints each point's limits and type with the two icons. A bad line stops it
 * and is named; warnings (such as a short segment) go to stderr.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSpcDate, xmr, type Improvement } from '@kindred/insight';
import { UsageError } from '../store-options.ts';

export const spcUsage = `kindred spc FILE [--improvement increase|decrease|neutral] [--target N] [--rebase DATE]… [--fix-after N] [--no-screen]

  Reads a CSV file with a header line naming the columns date (YYYY-MM-DD, ascending, each once)
  and value (a number), and prints the XmR chart as JSON:
  { "points": [{ "date", "value", "mean", "lpl", "upl", "pointType" }], "variationIcon", "assuranceIcon" }.
  --improvement  which way is better (default neutral: special causes are high or low)
  --target       the target, for the assurance icon (a negative one as --target=-5)
  --rebase       a date from which the limits are recalculated (give it again for more)
  --fix-after    limits from the first N points of each segment only
  --no-screen    keep large moving ranges when setting the limits (as the Excel tools do)`;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** CSV records (RFC 4180: quoted fields may hold commas, quotes and line breaks), each with the line it starts on. */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`line ${start}: a quoted field is not closed.`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** The dated values of the CSV text, every problem named by its line. */
export function readSeries(text: string): { date: string; value: number }[] {
  const [header, ...rows] = parseCsvRecords(text);
  if (header === undefined) throw new Error('the file is empty; it needs a header line with the columns date and value.');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const dateAt = names.indexOf('date');
  const valueAt = names.indexOf('value');
  const missing = [dateAt < 0 ? 'date' : '', valueAt < 0 ? 'value' : ''].filter(Boolean);
  if (missing.length > 0) throw new Error(`line ${header.line}: the header has no ${missing.join(' or ')} column (it has: ${header.fields.join(', ')}).`);
  const series: { date: string; value: number }[] = [];
  let previous: { date: string; t: number } | undefined;
  for (const { line, fields } of rows) {
    const date = fields[dateAt]?.trim() ?? '';
    const raw = fields[valueAt]?.trim() ?? '';
    if (date === '') throw new Error(`line ${line}: the date is empty.`);
    const t = parseSpcDate(date);
    if (t === undefined) throw new Error(`line ${line}: date "${date}" is not a date in the form YYYY-MM-DD.`);
    if (raw === '') throw new Error(`line ${line}: the value is empty.`);
    const value = Number(raw);
    if (!NUMBER.test(raw) || !Number.isFinite(value)) throw new Error(`line ${line}: value "${raw}" is not a number.`);
    if (previous !== undefined && t === previous.t) throw new Error(`line ${line}: date ${date} appears twice; each date may appear once.`);
    if (previous !== undefined && t < previous.t) throw new Error(`line ${line}: date ${date} comes before ${previous.date} on the line above; dates must be in ascending order.`);
    previous = { date, t };
    series.push({ date, value });
  }
  return series;
}

function improvementOf(text: string | undefined): Improvement {
  if (text === undefined) return 'neutral';
  if (text === 'increase' || text === 'decrease' || text === 'neutral') return text;
  throw new UsageError(`--improvement must be increase, decrease or neutral, not "${text}".`);
}

function targetOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!NUMBER.test(text.trim())) throw new UsageError(`--target must be a number, not "${text}".`);
  return Number(text);
}

function fixAfterOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 2) throw new UsageError(`--fix-after must be a whole number of points, 2 or more, not "${text}".`);
  return Number(text);
}

function rebasesOf(dates: readonly string[]): string[] {
  for (const d of dates) if (parseSpcDate(d) === undefined) throw new UsageError(`--rebase must be a date in the form YYYY-MM-DD, not "${d}".`);
  return [...dates];
}

export async function runSpc(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      improvement: { type: 'string' },
      target: { type: 'string' },
      rebase: { type: 'string', multiple: true },
      'fix-after': { type: 'string' },
      'no-screen': { type: 'boolean' },
    },
  });
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('Give the CSV file to chart, with the columns date and value.');
  if (extra.length > 0) throw new UsageError(`Chart one file at a time (also given: ${extra.join(' ')}).`);
  const improvement = improvementOf(values.improvement);
  const target = targetOf(values.target);
  const fixAfter = fixAfterOf(values['fix-after']);
  const rebase = rebasesOf(values.rebase ?? []);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read "${file}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`, { cause: error });
  }
  const result = xmr(readSeries(text), {
    improvement,
    rebase,
    screen: values['no-screen'] !== true,
    ...(target !== undefined ? { target } : {}),
    ...(fixAfter !== undefined ? { fixAfter } : {}),
  });
  for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
  const output = {
    points: result.points.map((p) => ({ date: p.date, value: p.value, mean: p.mean, lpl: p.lpl, upl: p.upl, pointType: p.pointType })),
    variationIcon: result.variationIcon,
    assuranceIcon: result.assuranceIcon,
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}
