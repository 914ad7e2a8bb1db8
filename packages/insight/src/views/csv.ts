/** A view's rows as CSV (RFC 4180): a header line of column names, CRLF line ends, collections and objects as JSON. */
import { csvRecord } from '../csv.ts';
import type { ViewColumn } from './view-tree.ts';

/** One CSV line (with its CRLF) for a row, fields in column order. */
export function csvLine(columns: readonly ViewColumn[], row: Readonly<Record<string, unknown>>): string {
  return csvRecord(columns.map((column) => row[column.name]));
}

/** The CSV header line for the columns. */
export function csvHeader(columns: readonly ViewColumn[]): string {
  return csvRecord(columns.map((column) => column.name));
}

export function rowsToCsv(columns: readonly ViewColumn[], rows: Iterable<Record<string, unknown>>): string {
  let csv = csvHeader(columns);
  for (const row of rows) csv += csvLine(columns, row);
  return csv;
}
