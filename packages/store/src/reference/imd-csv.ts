/**
 * Reads the published IMD file in its CSV form (English Indices of Deprivation, File 1, as
 * lsoa_code, imd_rank, imd_decile): a header line naming those columns (in any order, other
 * columns ignored), then one line per LSOA. A line that cannot be read is an error that names the
 * line and says what is wrong, so the operator can fix the file; nothing is loaded from a bad file.
 *
 * Pure: text in, rows out. No file or database access.
 */
import { FhirError } from '@kindred/fhir';
import { imdRowProblem, type ImdRow } from './imd-table.ts';

export const IMD_CSV_COLUMNS = ['lsoa_code', 'imd_rank', 'imd_decile'] as const;

/** The fields of one line (RFC 4180 quoting is enough for this file: no line breaks inside fields). */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          value += line[i];
          i++;
        }
      }
      const comma = line.indexOf(',', i);
      out.push(value);
      i = comma === -1 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push(line.slice(i, comma === -1 ? undefined : comma).trim());
      i = comma === -1 ? line.length + 1 : comma + 1;
    }
  }
  return out;
}

export function parseImdCsv(text: string, fileName = 'the IMD file'): ImdRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = fields(lines[0] ?? '').map((name) => name.toLowerCase());
  const at = IMD_CSV_COLUMNS.map((name) => header.indexOf(name));
  const missing = IMD_CSV_COLUMNS.filter((_, c) => at[c] === -1);
  if (missing.length > 0) {
    throw new FhirError(
      'INVALID_REQUEST',
      `Line 1 of ${fileName} must be the header naming the columns ${IMD_CSV_COLUMNS.join(', ')}; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (found "${lines[0] ?? ''}").`,
    );
  }
  const [codeAt, rankAt, decileAt] = at as [number, number, number];
  const rows: ImdRow[] = [];
  const lineOf = new Map<string, number>();
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] ?? '';
    if (line.trim() === '') continue;
    const cells = fields(line);
    const where = `Line ${n + 1} of ${fileName}`;
    if (cells.length < header.length) throw new FhirError('INVALID_REQUEST', `${where} has ${cells.length} columns; the header has ${header.length} (${header.join(', ')}): "${line}".`);
    const [code, rank, decile] = [cells[codeAt] ?? '', cells[rankAt] ?? '', cells[decileAt] ?? ''];
    for (const [name, value] of [['imd_rank', rank], ['imd_decile', decile]] as const) {
      if (!/^\d+$/.test(value)) throw new FhirError('INVALID_REQUEST', `${where}: the ${name} of ${code === '' ? 'the row' : code} must be a whole number, not "${value}".`);
    }
    const row: ImdRow = { lsoaCode: code, rank: Number(rank), decile: Number(decile) };
    const problem = imdRowProblem(row);
    if (problem !== undefined) throw new FhirError('INVALID_REQUEST', `${where}: ${problem}.`);
    const earlier = lineOf.get(row.lsoaCode);
    if (earlier !== undefined) throw new FhirError('INVALID_REQUEST', `${where}: the LSOA code ${row.lsoaCode} is already on line ${earlier}; each LSOA must have one line.`);
    lineOf.set(row.lsoaCode, n + 1);
    rows.push(row);
  }
  if (rows.length === 0) throw new FhirError('INVALID_REQUEST', `${fileName} has a header but no rows: give the published file with one line per LSOA.`);
  return rows;
}
