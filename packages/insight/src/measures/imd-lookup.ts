/**
 * The deprivation table the IMD-quintile breakdowns join (`ref_imd`), made from the edition of the
 * English Indices of Deprivation the operator loaded into the store (`kindred reference load imd
 * FILE`): only the LSOAs the area's people live in are looked up, so the copy stays small whatever
 * the size of the published table. With no edition loaded, or no LSOA recorded, nothing is loaded
 * and the breakdown says a table is needed.
 */
import { createHash } from 'node:crypto';
import type { ImdTable } from '@kindred/store';
import { viewTable, viewTableName } from '../warehouse/column-types.ts';
import { BuiltInView } from './built-in-views.ts';
import { loadImdIntoWarehouse, tableExists, type MeasureWarehouse } from './compute.ts';

export interface ImdLookupReport {
  /** LSOA codes recorded for the area's people */
  lsoas: number;
  /** of which found in the store's IMD edition and loaded */
  loaded: number;
  /** the deciles loaded, hashed: a different value means the table changed (a new edition, new LSOAs) */
  fingerprint: string;
}

const NOTHING = createHash('sha256').update('').digest('hex');

export async function refreshImdTable(warehouse: MeasureWarehouse, reference: Pick<ImdTable, 'imdDeciles'>): Promise<ImdLookupReport> {
  if (!(await tableExists(warehouse, viewTableName(BuiltInView.person)))) return { lsoas: 0, loaded: 0, fingerprint: NOTHING };
  const person = viewTable(BuiltInView.person);
  const found = await warehouse.query(`SELECT DISTINCT coalesce(lsoa, lsoa_any) AS code FROM ${person} WHERE coalesce(lsoa, lsoa_any) IS NOT NULL`);
  const codes = found.map((r) => String(r.code));
  if (codes.length === 0) return { lsoas: 0, loaded: 0, fingerprint: NOTHING };
  const deciles = await reference.imdDeciles(codes);
  if (deciles.size === 0) return { lsoas: codes.length, loaded: 0, fingerprint: NOTHING };
  const rows = [...deciles].map(([lsoaCode, decile]) => ({ lsoaCode, decile })).sort((a, b) => (a.lsoaCode < b.lsoaCode ? -1 : 1));
  await loadImdIntoWarehouse(warehouse, rows);
  const fingerprint = createHash('sha256').update(rows.map((r) => `${r.lsoaCode}:${r.decile}`).join(',')).digest('hex');
  return { lsoas: codes.length, loaded: deciles.size, fingerprint };
}
