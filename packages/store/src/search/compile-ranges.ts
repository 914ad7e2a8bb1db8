/**
 * The comparison prefixes of http://hl7.org/fhir/R4/search.html#prefix as SQL over index rows.
 *
 * Dates: the search value and the target value are both ranges (search [sl, sh], target
 * [i.low, i.high], inclusive ends), compared exactly as the table in §3.1.1.4 words them.
 * Numbers and quantities: the target is a point value; `eq` matches within the implicit
 * precision range of the search value ("100" means [99.5, 100.5)); the others compare with the
 * value as written. `ap` is "approximately": within 10% of the value (numbers) or of the gap
 * between the value and now (dates), as the specification suggests.
 */
import type { DateValue, NumberValue } from '@kindred/fhir';
import { raw, sql, type Fragment } from '../sql/fragment.ts';

function rangeCondition(low: string, high: string, v: DateValue, now: number): Fragment {
  const lo = raw(low);
  const hi = raw(high);
  const { low: sl, high: sh } = v;
  // Each condition is the specification's wording, rewritten (equivalently) so that it starts with a
  // range on one indexed column; targets always have low <= high.
  switch (v.prefix) {
    case 'eq':
      // the range of the search value fully contains the range of the target value
      return sql`(${lo} >= ${sl} AND ${lo} <= ${sh} AND ${hi} <= ${sh})`;
    case 'ne':
      return sql`NOT (${lo} >= ${sl} AND ${hi} <= ${sh})`;
    case 'gt':
      // the range above the search value intersects the range of the target value
      return sql`${hi} > ${sh}`;
    case 'lt':
      return sql`${lo} < ${sl}`;
    case 'ge':
      // gt, or the search value fully contains the target: (high > sh) or (low >= sl and high <= sh),
      // which is (high > sh) or (low >= sl), and implies high >= sl
      return sql`(${hi} >= ${sl} AND (${hi} > ${sh} OR ${lo} >= ${sl}))`;
    case 'le':
      // lt, or contained: (low < sl) or (high <= sh), which implies low <= sh
      return sql`(${lo} <= ${sh} AND (${lo} < ${sl} OR ${hi} <= ${sh}))`;
    case 'sa':
      // the target starts after the search range ends (no overlap)
      return sql`${lo} > ${sh}`;
    case 'eb':
      return sql`${hi} < ${sl}`;
    case 'ap': {
      const gap = Math.round(Math.abs(now - sl) * 0.1);
      return sql`(${lo} <= ${sh + gap} AND ${hi} >= ${sl - gap})`;
    }
  }
}

export function dateCondition(v: DateValue, now: number): Fragment {
  return rangeCondition('i.low', 'i.high', v, now);
}

/** meta.lastUpdated is an instant: a range of one millisecond. */
export function lastUpdatedCondition(column: string, v: DateValue, now: number): Fragment {
  return rangeCondition(column, column, v, now);
}

export function numberCondition(v: NumberValue): Fragment {
  switch (v.prefix) {
    case 'eq':
      return sql`(i.value >= ${v.low} AND i.value < ${v.high})`;
    case 'ne':
      return sql`(i.value < ${v.low} OR i.value >= ${v.high})`;
    case 'gt':
    case 'sa':
      return sql`i.value > ${v.value}`;
    case 'lt':
    case 'eb':
      return sql`i.value < ${v.value}`;
    case 'ge':
      return sql`i.value >= ${v.value}`;
    case 'le':
      return sql`i.value <= ${v.value}`;
    case 'ap': {
      const margin = Math.abs(v.value) * 0.1;
      return sql`(i.value >= ${v.value - margin} AND i.value <= ${v.value + margin})`;
    }
  }
}
