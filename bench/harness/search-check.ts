/**
 * Is a search's answer right? Compares what the repository returned for one of the area's sample
 * queries with what the generator guarantees (sampleQueries: exact totals where one patient's
 * record decides them, lower bounds elsewhere, resources that must be among the matches or the
 * included, the newest first when sorted). Pure: the search step collects the answer, this judges it.
 * A latency measured on a wrong answer is worthless, so any problem here stops the benchmark.
 */
import type { StoredResource } from '@kindred/fhir';
import type { SearchPage } from '@kindred/store';
import type { AreaQuery } from '../area/index.ts';
import { BenchFailure } from './bench-failure.ts';

/** One query's answer: its first page as the timed search returned it, and every match over all pages. */
export interface CollectedAnswer {
  firstPage: SearchPage;
  /** "Type/id" of every match, following the pages to the end, in order */
  allMatches: readonly string[];
  /** "Type/id" of every resource that _include/_revinclude added, over all pages */
  allIncluded: ReadonlySet<string>;
  /** false when the walk stopped at its limit before the last page */
  complete: boolean;
}

export class SearchAnswerError extends BenchFailure {
  override readonly name = 'SearchAnswerError';

  constructor(
    readonly queryName: string,
    readonly problems: readonly string[],
  ) {
    super(`search "${queryName}" answered wrongly: ${problems.join('; ')}`);
  }
}

export const refOf = (resource: StoredResource): string => `${resource.resourceType}/${resource.id}`;

function dateOf(resource: StoredResource): number {
  const value = (resource as { effectiveDateTime?: unknown }).effectiveDateTime;
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

function sample(items: readonly string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

/** Everything wrong with `answer` for `query`; empty when it is right. */
export function answerProblems(query: AreaQuery, answer: CollectedAnswer): string[] {
  const problems: string[] = [];
  const { firstPage, allMatches } = answer;
  const found = new Set(allMatches);
  const wrongType = firstPage.matches.filter((r) => r.resourceType !== query.resourceType).map(refOf);
  if (wrongType.length > 0) problems.push(`matches of another type than ${query.resourceType}: ${sample(wrongType)}`);
  if (found.size !== allMatches.length) problems.push(`the pages repeat ${allMatches.length - found.size} match(es)`);
  if (!answer.complete) problems.push('the pages did not end (stopped following next links at the limit)');

  // Without _total the store may leave the total out (search.html#total); when it gives one, it must be right.
  if (firstPage.total !== undefined && answer.complete && firstPage.total !== allMatches.length) problems.push(`total says ${firstPage.total} but the pages hold ${allMatches.length} matches`);
  if (query.expectTotal !== undefined && allMatches.length !== query.expectTotal) problems.push(`expected exactly ${query.expectTotal} matches, got ${allMatches.length}`);
  if (allMatches.length < query.expectAtLeast) problems.push(`expected at least ${query.expectAtLeast} matches, got ${allMatches.length}`);

  const missing = query.expectMatches.filter((ref) => !found.has(ref));
  if (missing.length > 0) problems.push(`missing matches: ${sample(missing)}`);
  const notIncluded = (query.expectIncluded ?? []).filter((ref) => !answer.allIncluded.has(ref));
  if (notIncluded.length > 0) problems.push(`missing included resources: ${sample(notIncluded)}`);

  if (query.pageSize !== undefined) {
    const expected = Math.min(query.pageSize, allMatches.length);
    if (firstPage.matches.length !== expected) problems.push(`the first page holds ${firstPage.matches.length} matches, expected ${expected}`);
    if (allMatches.length > query.pageSize && firstPage.nextCursor === undefined) problems.push('no next page although there are more matches');
  }
  if (query.expectNewest !== undefined) {
    const first = firstPage.matches[0];
    if (!first || dateOf(first) !== Date.parse(query.expectNewest)) problems.push(`the first match should be the newest (${query.expectNewest}), got ${first ? String((first as { effectiveDateTime?: unknown }).effectiveDateTime) : 'none'}`);
    const dates = firstPage.matches.map(dateOf);
    if (dates.some((d, i) => i > 0 && d > (dates[i - 1] ?? Number.POSITIVE_INFINITY))) problems.push('the first page is not newest first');
  }
  return problems;
}

/** Throws SearchAnswerError unless the answer is right. */
export function assertRightAnswer(query: AreaQuery, answer: CollectedAnswer): void {
  const problems = answerProblems(query, answer);
  if (problems.length > 0) throw new SearchAnswerError(query.name, problems);
}
