/** Rows as CSV (RFC 4180): a header line of column names, CRLF line ends, collections and objects as JSON. */
import type { ViewColumn } from './view-tree.ts';

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (with its CRLF) for a row, fields in column order. */
export function csvLine(columns: readonly ViewColumn[], row: Readonly<Record<string, unknown>>): string {
  return columns.map((column) => csvField(row[column.name])).join(',') + '\r\n';
}

/** The CSV header line for the columns. */
export function csvHeader(columns: readonly ViewColumn[]): string {
  return columns.map((column) => csvField(column.name)).join(',') + '\r\n';
}

export function rowsToCsv(columns: readonly ViewColumn[], rows: Iterable<Record<string, unknown>>): string {
  let csv = csvHeader(columns);
  for (const row of rows) csv += csvLine(columns, row);
  return csv;
}
