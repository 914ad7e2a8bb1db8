/**
 * A view's rows on stdout, as both forms of `kindred views run` print them (over files, over the
 * record): a JSON array with one row a line, or CSV with a header line. Written in chunks as the
 * rows come, waiting when the reader is slower, so no run holds its rows at once.
 */
import { once } from 'node:events';
import { csvHeader, csvLine, type ViewColumn } from '@kindred/insight';

export type RowFormat = 'json' | 'csv';
export const ROW_FORMATS: readonly RowFormat[] = ['json', 'csv'];

export function isRowFormat(value: string): value is RowFormat {
  return (ROW_FORMATS as readonly string[]).includes(value);
}

const CHUNK = 65_536;

export class RowPrinter {
  private pending = '';
  private count = 0;

  constructor(
    private readonly format: RowFormat,
    private readonly columns: readonly ViewColumn[],
  ) {}

  async begin(): Promise<void> {
    await this.write(this.format === 'csv' ? csvHeader(this.columns) : '[');
  }

  async row(row: Readonly<Record<string, unknown>>): Promise<void> {
    await this.write(this.format === 'csv' ? csvLine(this.columns, row) : `${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`);
    this.count += 1;
  }

  /** closes the array and writes what is left; returns the number of rows */
  async end(): Promise<number> {
    if (this.format === 'json') await this.write(this.count === 0 ? ']\n' : '\n]\n');
    await this.flush();
    return this.count;
  }

  /** writes what is held now (before an error message, so the rows so far come first) */
  async flush(): Promise<void> {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }

  private async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= CHUNK) await this.flush();
  }
}
