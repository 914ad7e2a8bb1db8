/** Reference tables: published data an operator loads (deprivation by area), kept beside the record, never in it. */
import type { ImdTable } from './imd-table.ts';

export { LSOA_CODE, imdRowProblem, sqlImdTable, type ImdEdition, type ImdRow, type ImdTable, type LoadImdOptions } from './imd-table.ts';
export { IMD_CSV_COLUMNS, parseImdCsv } from './imd-csv.ts';

/** Every reference table of the store (only the IMD so far). */
export type ReferenceTables = ImdTable;
