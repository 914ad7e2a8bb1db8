/**
 * Identifiers of the synthetic area: resource ids, NHS numbers and hospital numbers. Each is a pure
 * function of (seed, what, index) and is unique by construction (a bijection, not a random draw),
 * so no registry of issued values is needed and nothing grows while the area streams out.
 * It must never hand out an NHS number outside the 999 range reserved for test data.
 */
import { fmix32, hash32 } from './seeded-random.ts';

/** Which family of entities an id belongs to; the namespace keeps families from colliding. */
export const IdSpace = {
  patientRecord: 0,
  organization: 1,
  location: 2,
  practitioner: 3,
  practitionerRole: 4,
  group: 5,
} as const;
export type IdSpace = (typeof IdSpace)[keyof typeof IdSpace];

const SEQUENCE_LIMIT = 1 << 28;

const HEX_DIGITS = '0123456789abcdef';

/** The low `width` hex digits of a 32-bit value (hand-rolled: ids are made for every resource). */
function hex(value: number, width: number): string {
  let out = '';
  for (let shift = (width - 1) * 4; shift >= 0; shift -= 4) out += HEX_DIGITS[(value >>> shift) & 0xf];
  return out;
}

/**
 * A UUID-shaped id (version 4 layout) that looks random, as ids assigned by a server do, so that
 * benchmarks see realistic index locality rather than sequential keys. A 4-round Feistel network
 * over (entity, space|sequence) is a bijection, so distinct inputs always give distinct ids.
 */
export function resourceId(seed: number, space: IdSpace, entity: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= SEQUENCE_LIMIT) throw new Error(`sequence out of range: ${sequence}`);
  if (!Number.isInteger(entity) || entity < 0 || entity > 0xffffffff) throw new Error(`entity out of range: ${entity}`);
  let left = entity >>> 0;
  let right = ((space << 28) | sequence) >>> 0;
  for (let round = 0; round < 4; round++) {
    const next = (left ^ fmix32(right ^ hash32(seed, round))) >>> 0;
    left = right;
    right = next;
  }
  // The 64 bits of (left, right) are kept whole; the remaining bits only decorate.
  const fill = fmix32(left ^ right ^ seed);
  const fill2 = fmix32(fill ^ 0x5bd1e995);
  const g4 = (0x8 | ((right >>> 2) & 0x3)).toString(16) + hex(((right & 0x3) << 10) | (fill & 0x3ff), 3);
  return `${hex(left, 8)}-${hex(right >>> 16, 4)}-4${hex((right >>> 4) & 0xfff, 3)}-${g4}-${hex(fill2, 8)}${hex(fill >>> 16, 4)}`;
}

/**
 * NHS number check digit (NHS Data Dictionary, "NHS Number"): weights 10..2 over the first nine
 * digits, 11 minus the sum modulo 11; 11 becomes 0 and 10 means the nine digits are unusable.
 */
export function nhsNumberCheckDigit(nineDigits: string): number | undefined {
  if (!/^\d{9}$/.test(nineDigits)) throw new Error(`expected nine digits, got "${nineDigits}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/** How many distinct NHS numbers nhsNumberFor can issue (prefixes 999 00000..99999, nine usable per prefix). */
export const NHS_NUMBER_CAPACITY = 900_000;
const NHS_STRIDE = 480_749; // coprime with 900 000, so the affine map below is a permutation

/**
 * The NHS number of the patient at `patientIndex`. Numbers start 999 (the range NHS England keeps
 * for test data, never issued to a person). The index is permuted, split into a five-digit
 * prefix and the j-th usable final body digit: changing that digit moves the weighted sum by 2
 * modulo 11, so at most one of the ten digits gives the unusable check value 10.
 */
export function nhsNumberFor(seed: number, patientIndex: number): string {
  if (!Number.isInteger(patientIndex) || patientIndex < 0 || patientIndex >= NHS_NUMBER_CAPACITY) {
    throw new Error(`the area generator issues at most ${NHS_NUMBER_CAPACITY} NHS numbers (patient index ${patientIndex})`);
  }
  const permuted = (patientIndex * NHS_STRIDE + (hash32(seed, 0x4e48) % NHS_NUMBER_CAPACITY)) % NHS_NUMBER_CAPACITY;
  const prefix = `999${String(Math.floor(permuted / 9)).padStart(5, '0')}`;
  let wanted = permuted % 9;
  for (let digit = 0; digit <= 9; digit++) {
    const body = `${prefix}${digit}`;
    const check = nhsNumberCheckDigit(body);
    if (check === undefined) continue;
    if (wanted === 0) return `${body}${check}`;
    wanted--;
  }
  throw new Error(`no usable NHS number for prefix ${prefix}`); // unreachable: see the comment above
}

const MRN_SPACE = 10_000_000;
const MRN_STRIDE = 7_368_787; // coprime with 10^7

/** The hospital's local patient number: a letter and seven digits, unique per patient. */
export function hospitalNumberFor(seed: number, patientIndex: number): string {
  const permuted = (patientIndex * MRN_STRIDE + (hash32(seed, 0x4d52) % MRN_SPACE)) % MRN_SPACE;
  return `K${String(permuted).padStart(7, '0')}`;
}
