/**
 * Collects the index rows of one resource, dropping rows identical to one already collected
 * (two names with the same family, a code repeated in two codings…), so that the store never
 * writes the same row twice. Knows nothing of FHIR types; index-values.ts decides what the rows are.
 */
import {
  emptyIndexRows,
  type DateIndexRow,
  type IndexRows,
  type QuantityIndexRow,
  type ReferenceIndexRow,
  type StringIndexRow,
} from './index-rows.ts';

type Row = IndexRows[keyof IndexRows][number];

/** Beyond this many rows of one parameter in one list, duplicates are found by key, not by scanning. */
const SCAN_LIMIT = 32;

/**
 * The rows of one list, with duplicates looked for among the current parameter's rows only: rows
 * of different parameters differ in their code, and one parameter's rows are added together.
 */
class RowList<T extends Row> {
  private start = 0;
  private keys: Set<string> | undefined;

  constructor(
    private readonly rows: T[],
    private readonly same: (a: T, b: T) => boolean,
  ) {}

  startParameter(): void {
    this.start = this.rows.length;
    this.keys = undefined;
  }

  add(row: T): void {
    const { rows } = this;
    if (rows.length - this.start < SCAN_LIMIT) {
      for (let i = this.start; i < rows.length; i++) if (this.same(rows[i] as T, row)) return;
      rows.push(row);
      return;
    }
    // a parameter with very many values (a large Questionnaire): keep the check linear
    this.keys ??= new Set(rows.slice(this.start).map((r) => JSON.stringify(r)));
    const key = JSON.stringify(row);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    rows.push(row);
  }
}

// Rows of one parameter are compared without their (equal) code.
const sameString = (a: StringIndexRow, b: StringIndexRow): boolean => a.value === b.value && a.exact === b.exact;
const sameToken = (a: { system: string | null; value: string | null }, b: { system: string | null; value: string | null }): boolean =>
  a.value === b.value && a.system === b.system;
const sameValue = <V>(a: { value: V }, b: { value: V }): boolean => a.value === b.value;
const sameReference = (a: ReferenceIndexRow, b: ReferenceIndexRow): boolean =>
  a.targetId === b.targetId && a.targetType === b.targetType && a.url === b.url;
const sameDate = (a: DateIndexRow, b: DateIndexRow): boolean => a.low === b.low && a.high === b.high;
const sameQuantity = (a: QuantityIndexRow, b: QuantityIndexRow): boolean => a.value === b.value && a.system === b.system && a.unit === b.unit;

export class IndexRowCollector {
  private readonly collected: IndexRows = emptyIndexRows();
  private code = '';
  private readonly strings = new RowList(this.collected.strings, sameString);
  private readonly tokens = new RowList(this.collected.tokens, sameToken);
  private readonly tokenTexts = new RowList(this.collected.tokenTexts, sameValue);
  private readonly references = new RowList(this.collected.references, sameReference);
  private readonly referenceIdentifiers = new RowList(this.collected.referenceIdentifiers, sameToken);
  private readonly dates = new RowList(this.collected.dates, sameDate);
  private readonly numbers = new RowList(this.collected.numbers, sameValue);
  private readonly quantities = new RowList(this.collected.quantities, sameQuantity);
  private readonly uris = new RowList(this.collected.uris, sameValue);

  private readonly lists = [this.strings, this.tokens, this.tokenTexts, this.references, this.referenceIdentifiers, this.dates, this.numbers, this.quantities, this.uris];

  /** The rows that follow belong to the search parameter `code`. */
  startParameter(code: string): void {
    this.code = code;
    for (const list of this.lists) list.startParameter();
  }

  string(value: string, exact: string): void {
    this.strings.add({ code: this.code, value, exact });
  }

  token(system: string | null, value: string | null): void {
    this.tokens.add({ code: this.code, system, value });
  }

  tokenText(value: string): void {
    this.tokenTexts.add({ code: this.code, value });
  }

  reference(targetType: string | null, targetId: string | null, url: string | null): void {
    this.references.add({ code: this.code, targetType, targetId, url });
  }

  referenceIdentifier(system: string | null, value: string | null): void {
    this.referenceIdentifiers.add({ code: this.code, system, value });
  }

  date(low: number, high: number): void {
    this.dates.add({ code: this.code, low, high });
  }

  number(value: number): void {
    this.numbers.add({ code: this.code, value });
  }

  quantity(value: number, system: string | null, unit: string | null): void {
    this.quantities.add({ code: this.code, value, system, unit });
  }

  uri(value: string): void {
    this.uris.add({ code: this.code, value });
  }

  rows(): IndexRows {
    return this.collected;
  }
}
