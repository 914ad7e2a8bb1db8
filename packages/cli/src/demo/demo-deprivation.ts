/**
 * Where the demo's people live, for deprivation: the English Indices of Deprivation file the
 * operator gives (the published LSOA rank and decile CSV) is loaded into the store's reference
 * table (as `kindred reference load imd` does, unless that edition is there already), and the
 * area is a set of its 2021 LSOAs, a few from every decile, so the equity views have people in
 * every decile. The decile is never written on the Patient (decision 0013); only the LSOA code is.
 *
 * Decides nothing about people.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { FhirError } from '@kindred/fhir';
import { parseImdCsv, type ImdRow, type ReferenceTables } from '@kindred/store';
import { demoRandom } from './demo-random.ts';

export interface AreaLsoa {
  code: string;
  /** 1 = the most deprived tenth of England */
  decile: number;
}

/** How many LSOAs of each decile the demo area has. */
const PER_DECILE = 8;

export function readImdFile(file: string): ImdRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FhirError('NOT_FOUND', `Cannot read the deprivation (IMD) file "${file}": ${(error as Error).message}. Give the published LSOA rank and decile CSV, or leave out --imd.`);
  }
  return parseImdCsv(text, basename(file));
}

/** Loads the file's edition into the reference table when it is not there yet; returns the edition's name. */
export async function loadImdEdition(reference: ReferenceTables, file: string, rows: readonly ImdRow[]): Promise<string> {
  const edition = basename(file, extname(file));
  const loaded = await reference.imdEditions();
  if (!loaded.some((e) => e.edition === edition)) await reference.loadImd(rows, edition);
  return edition;
}

/** A few LSOAs of each decile, the same for the same seed. */
export function chooseAreaLsoas(rows: readonly ImdRow[], seed: number): AreaLsoa[] {
  const random = demoRandom('lsoas', seed);
  const chosen: AreaLsoa[] = [];
  for (let decile = 1; decile <= 10; decile++) {
    const ofDecile = rows.filter((r) => r.decile === decile);
    const picked = new Set<string>();
    for (let i = 0; i < PER_DECILE * 4 && picked.size < Math.min(PER_DECILE, ofDecile.length); i++) {
      const row = random.pick(ofDecile);
      if (picked.has(row.lsoaCode)) continue;
      picked.add(row.lsoaCode);
      chosen.push({ code: row.lsoaCode, decile });
    }
  }
  return chosen;
}
