/**
 * The English Indices of Deprivation by LSOA (Lower layer Super Output Area), as the reference
 * table an operator loads from the published file (`kindred reference load imd`). Reference data,
 * not the record: it is never a FHIR resource and never written through the repository. Each
 * edition (IoD 2019, IoD 2025 …) is kept whole; a load replaces one edition's rows in one
 * transaction, and the edition loaded last is the current one unless a caller names another.
 *
 * Storage only: it does not read files (the CLI does) and does not know about patients.
 */
import { FhirError } from '@kindred/fhir';
import type { SqlDriver } from '../sql/driver.ts';

/** One LSOA's row of the published IMD file: rank 1 is the most deprived; decile 1 the most deprived 10%. */
export interface ImdRow {
  lsoaCode: string;
  rank: number;
  decile: number;
}

export interface ImdEdition {
  edition: string;
  rows: number;
  /** when it was loaded (ISO 8601) */
  loadedAt: string;
  /** the edition `imdDeciles` uses when none is named: the one loaded last */
  current: boolean;
}

export interface LoadImdOptions {
  /** called after each batch of rows is written: rows written so far, and all rows */
  onProgress?: (loaded: number, total: number) => void;
  now?: number;
}

export interface ImdTable {
  /** replaces the rows of `edition` with `rows`, in one transaction; returns the number of rows */
  loadImd(rows: readonly ImdRow[], edition: string, options?: LoadImdOptions): Promise<number>;
  /**
   * The decile (1–10) of each LSOA code found in the current edition, or in `edition` when given.
   * Codes not in the table are absent from the map; with no edition loaded the map is empty.
   */
  imdDeciles(lsoaCodes: readonly string[], edition?: string): Promise<Map<string, number>>;
  /** the loaded editions, the one loaded last first */
  imdEditions(): Promise<ImdEdition[]>;
}

const IMD = 'imd';
/** rows per INSERT statement (4 values each): well under SQLite's and PostgreSQL's parameter limits */
const ROWS_PER_INSERT = 500;
/** LSOA codes per lookup statement */
const CODES_PER_LOOKUP = 500;

/** LSOA and Data Zone codes: a letter for the nation, then eight digits (E01000001, W01000001). */
export const LSOA_CODE = /^[A-Z]\d{8}$/;
const EDITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why this row cannot be loaded, in words that say what to fix; undefined when it is fine. */
export function imdRowProblem(row: ImdRow): string | undefined {
  if (typeof row.lsoaCode !== 'string' || !LSOA_CODE.test(row.lsoaCode)) {
    return `the LSOA code "${String(row.lsoaCode)}" is not a code like E01000001 (a letter and eight digits)`;
  }
  if (!Number.isInteger(row.rank) || row.rank < 1) return `the rank of ${row.lsoaCode} must be a whole number from 1 (the most deprived), not "${String(row.rank)}"`;
  if (!Number.isInteger(row.decile) || row.decile < 1 || row.decile > 10) {
    return `the decile of ${row.lsoaCode} must be a whole number from 1 (the most deprived 10%) to 10, not "${String(row.decile)}"`;
  }
  return undefined;
}

function checkEdition(edition: string): void {
  if (!EDITION_NAME.test(edition)) {
    throw new FhirError('INVALID_REQUEST', `The IMD edition name "${edition}" cannot be used: give 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (for example imd2025).`);
  }
}

function checkRows(rows: readonly ImdRow[]): void {
  if (rows.length === 0) throw new FhirError('INVALID_REQUEST', 'There are no IMD rows to load: the table would be empty. Give the published file with one row per LSOA.');
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const problem = imdRowProblem(row);
    if (problem !== undefined) throw new FhirError('INVALID_REQUEST', `IMD row ${index + 1}: ${problem}.`);
    if (seen.has(row.lsoaCode)) throw new FhirError('INVALID_REQUEST', `IMD row ${index + 1}: the LSOA code ${row.lsoaCode} appears twice; each LSOA must have one row.`);
    seen.add(row.lsoaCode);
  });
}

async function currentEdition(driver: SqlDriver): Promise<string | undefined> {
  const [row] = await driver.query<{ edition: string }>(
    'SELECT edition FROM reference_edition WHERE table_name = ? ORDER BY loaded_at DESC, edition DESC LIMIT 1',
    [IMD],
  );
  return row?.edition;
}

export function sqlImdTable(driver: SqlDriver): ImdTable {
  const editions = async (): Promise<ImdEdition[]> => {
    const rows = await driver.query<{ edition: string; row_count: number | string; loaded_at: number | string }>(
      'SELECT edition, row_count, loaded_at FROM reference_edition WHERE table_name = ? ORDER BY loaded_at DESC, edition DESC',
      [IMD],
    );
    return rows.map((row, index) => ({
      edition: row.edition,
      rows: Number(row.row_count),
      loadedAt: new Date(Number(row.loaded_at)).toISOString(),
      current: index === 0,
    }));
  };

  return {
    async loadImd(rows, edition, options = {}) {
      checkEdition(edition);
      checkRows(rows);
      const now = options.now ?? Date.now();
      const tuple = '(?, ?, ?, ?)';
      await driver.transaction(async (tx) => {
        await tx.execute('DELETE FROM reference_imd WHERE edition = ?', [edition]);
        for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
          const batch = rows.slice(start, start + ROWS_PER_INSERT);
          const values = batch.flatMap((row) => [edition, row.lsoaCode, row.rank, row.decile]);
          await tx.execute(`INSERT INTO reference_imd (edition, lsoa_code, imd_rank, imd_decile) VALUES ${batch.map(() => tuple).join(', ')}`, values);
          options.onProgress?.(start + batch.length, rows.length);
        }
        await tx.execute(
          'INSERT INTO reference_edition (table_name, edition, row_count, loaded_at) VALUES (?, ?, ?, ?) ON CONFLICT (table_name, edition) DO UPDATE SET row_count = excluded.row_count, loaded_at = excluded.loaded_at',
          [IMD, edition, rows.length, now],
        );
      });
      return rows.length;
    },

    async imdDeciles(lsoaCodes, edition) {
      const deciles = new Map<string, number>();
      let chosen: string | undefined;
      if (edition !== undefined) {
        const loaded = await editions();
        if (!loaded.some((e) => e.edition === edition)) {
          const names = loaded.map((e) => e.edition).join(', ');
          throw new FhirError('NOT_FOUND', `The IMD edition "${edition}" is not loaded (${names === '' ? 'none is loaded yet' : `loaded: ${names}`}); load it with "kindred reference load imd FILE --edition ${edition}".`);
        }
        chosen = edition;
      } else {
        chosen = await currentEdition(driver);
      }
      if (chosen === undefined) return deciles;
      const codes = [...new Set(lsoaCodes)].filter((code) => LSOA_CODE.test(code));
      for (let start = 0; start < codes.length; start += CODES_PER_LOOKUP) {
        const part = codes.slice(start, start + CODES_PER_LOOKUP);
        const rows = await driver.query<{ lsoa_code: string; imd_decile: number | string }>(
          `SELECT lsoa_code, imd_decile FROM reference_imd WHERE edition = ? AND lsoa_code IN (${part.map(() => '?').join(', ')})`,
          [chosen, ...part],
        );
        for (const row of rows) deciles.set(row.lsoa_code, Number(row.imd_decile));
      }
      return deciles;
    },

    imdEditions: editions,
  };
}
