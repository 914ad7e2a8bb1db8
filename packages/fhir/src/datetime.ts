/**
 * FHIR date, dateTime and instant values as ranges of time (http://hl7.org/fhir/R4/search.html#date):
 * a value stands for the whole interval its precision implies, "2020" → all of 2020. Ranges are
 * epoch milliseconds in UTC with both ends inclusive. Values with a time but no zone (allowed in
 * search values) are read as UTC; dates without a time have no zone and are taken as UTC days.
 */

// date / dateTime / instant, and the minute-precision form search values allow
const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export interface TimeRange {
  low: number;
  high: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The range a FHIR date/dateTime/instant stands for, or undefined when it is not one. */
export function dateRange(value: string): TimeRange | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? undefined : Number(m[2]);
  const day = m[3] === undefined ? undefined : Number(m[3]);
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month!))) return undefined;
  if (month === undefined) return { low: Date.UTC(year, 0, 1), high: Date.UTC(year + 1, 0, 1) - 1 };
  if (day === undefined) return { low: Date.UTC(year, month - 1, 1), high: Date.UTC(year, month, 1) - 1 };
  if (m[4] === undefined) return { low: Date.UTC(year, month - 1, day), high: Date.UTC(year, month - 1, day + 1) - 1 };

  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? undefined : Number(m[6]);
  if (hour > 24 || minute > 59 || (second !== undefined && second > 60)) return undefined;
  const zone = m[8];
  let offsetMs = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [h, mi] = zone.slice(1).split(':').map(Number) as [number, number];
    if (h > 14 || mi > 59) return undefined;
    offsetMs = sign * (h * 60 + mi) * 60_000;
  }
  const base = Date.UTC(year, month - 1, day, hour, minute, second ?? 0) - offsetMs;
  if (second === undefined) return { low: base, high: base + 60_000 - 1 };
  const fraction = m[7];
  if (fraction === undefined) return { low: base, high: base + 1000 - 1 };
  // precision beyond milliseconds cannot be held; the millisecond is the finest range
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const width = fraction.length >= 3 ? 1 : 10 ** (3 - fraction.length);
  return { low: base + ms, high: base + ms + width - 1 };
}

/** An instant for storage and comparison (meta.lastUpdated), as epoch ms; undefined when invalid. */
export function instantMillis(value: string): number | undefined {
  return dateRange(value)?.low;
}
