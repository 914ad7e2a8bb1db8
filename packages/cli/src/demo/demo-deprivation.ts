/**
 * Where the demo's people live, for deprivation: a set of real 2021 LSOAs drawn from the English
 * Indices of Deprivation file the operator gives (columns lsoa_code, imd_rank, imd_decile), a few
 * from every decile, so the equity views have people in every decile. The decile is not written on
 * the Patient (decision 0013: it comes from the reference table); only the LSOA code is.
 *
 * Reads the file; decides nothing about people.
 */
import { readFileSync } from 'node:fs';
import { FhirError } from '@kindred/fhir';
import { demoRandom } from './demo-random.ts';

export interface AreaLsoa {
  code: string;
  /** 1 = the most deprived tenth of England */
  decile: number;
}

/** How many LSOAs of each decile the demo area has. */
const PER_DECILE = 8;

export function readImdFile(file: string): AreaLsoa[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FhirError('NOT_FOUND', `Cannot read the deprivation (IMD) file "${file}": ${(error as Error).message}. Give the LSOA rank and decile CSV, or leave out --imd.`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const codeAt = header.indexOf('lsoa_code');
  const decileAt = header.indexOf('imd_decile');
  if (codeAt < 0 || decileAt < 0) {
    throw new FhirError('INVALID_REQUEST', `The deprivation file "${file}" needs the columns lsoa_code and imd_decile in its first line (it has: ${header.join(', ') || 'nothing'}).`);
  }
  const rows: AreaLsoa[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const decile = Number(cells[decileAt]);
    const code = cells[codeAt] ?? '';
    if (/^E0\d{7}$/.test(code) && Number.isInteger(decile) && decile >= 1 && decile <= 10) rows.push({ code, decile });
  }
  if (rows.length === 0) throw new FhirError('INVALID_REQUEST', `The deprivation file "${file}" has no rows with an LSOA code (E01…) and a decile from 1 to 10.`);
  return rows;
}

/** A few LSOAs of each decile, the same for the same seed. */
export function chooseAreaLsoas(rows: readonly AreaLsoa[], seed: number): AreaLsoa[] {
  const random = demoRandom('lsoas', seed);
  const chosen: AreaLsoa[] = [];
  for (let decile = 1; decile <= 10; decile++) {
    const ofDecile = rows.filter((r) => r.decile === decile);
    const picked = new Set<string>();
    for (let i = 0; i < PER_DECILE * 4 && picked.size < Math.min(PER_DECILE, ofDecile.length); i++) {
      const row = random.pick(ofDecile);
      if (picked.has(row.code)) continue;
      picked.add(row.code);
      chosen.push(row);
    }
  }
  return chosen;
}
