/**
 * Drawing a plausible name for a synthetic person (patient, carer or member of staff) from the
 * heritage pools in uk-names.ts. Pure given the random stream passed in; holds no state.
 */
import type { SeededRandom } from './seeded-random.ts';
import { BRITISH_GIVEN, britishCohort, HERITAGE_TABLE, type HeritageTables } from './uk-names.ts';

export interface DrawnName {
  family: string;
  given: string[];
  heritage: HeritageTables;
}

export function drawHeritage(random: SeededRandom): HeritageTables {
  return random.weighted(HERITAGE_TABLE);
}

export function drawGivenName(random: SeededRandom, heritage: HeritageTables, female: boolean, birthYear: number): string {
  const pool = heritage.pool;
  // Children of migrant families often get names from the wider British pool.
  const british = pool.key === 'british' || (birthYear >= 2000 && random.chance(0.3));
  if (british) {
    const cohort = BRITISH_GIVEN[britishCohort(birthYear)];
    return random.pick(female ? cohort.female : cohort.male);
  }
  return random.pick(female ? pool.female : pool.male);
}

export function drawFamilyName(random: SeededRandom, heritage: HeritageTables, female: boolean): string {
  const [masculine, feminine] = random.weighted(heritage.family);
  return female && feminine !== undefined ? feminine : masculine;
}

/** One or two given names (about a third of people have a middle name on record). */
export function drawName(random: SeededRandom, female: boolean, birthYear: number, heritage: HeritageTables = drawHeritage(random)): DrawnName {
  const given = [drawGivenName(random, heritage, female, birthYear)];
  if (random.chance(0.35)) {
    const middle = drawGivenName(random, heritage, female, birthYear);
    if (middle !== given[0]) given.push(middle);
  }
  return { family: drawFamilyName(random, heritage, female), given, heritage };
}

/** Ofcom keeps 07700 900000–900999 and 0161 496 0000–0999 for drama, so no real line is ever rung. */
export function fictionalMobile(random: SeededRandom): string {
  return `07700 900${String(random.int(0, 999)).padStart(3, '0')}`;
}

export function fictionalLandline(random: SeededRandom): string {
  return `0161 496 0${String(random.int(0, 999)).padStart(3, '0')}`;
}

/** An email address on a reserved example domain, without accents or spaces. */
export function fictionalEmail(given: string, family: string, domain: string, suffix: number): string {
  const plain = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z]/g, '').toLowerCase();
  return `${plain(given)}.${plain(family)}${suffix}@${domain}`;
}
