/**
 * The load and equity view of a practice's online requests (issue 4, "Triage and booking"): how
 * many came by each route and what came of them, overall and for each age band, IMD quintile and
 * access need, with the share that came online by the person themselves, and a flag on the groups
 * who use that route much less than the practice's people as a whole.
 *
 * When a group is flagged: it has at least MIN_REQUESTS_TO_FLAG requests (fewer are too few to
 * judge), and its online-self share is below FLAG_BELOW_SHARE_OF_OVERALL (half) of the overall
 * share. Groups with no requests are listed with a share of null, so every table has every row.
 *
 * Pure: facts and deciles in, plain data out. No record or reference access (request-load-and-equity.ts).
 */
import {
  EQUITY_NEED_GROUPS,
  EQUITY_AGE_BANDS,
  EQUITY_OUTCOMES,
  EQUITY_ROUTES,
  EquityRoute,
  type EquityNeedGroup,
  type EquityAgeBand,
  type RequestFact,
  type EquityOutcome,
} from './request-facts.ts';

/** A group needs at least this many requests before its share is compared with the practice's. */
export const MIN_REQUESTS_TO_FLAG = 10;
/** A group is flagged when its online-self share is below this fraction of the practice's share. */
export const FLAG_BELOW_SHARE_OF_OVERALL = 0.5;

/** IMD quintile: 1 the most deprived fifth of LSOAs in England, 5 the least; `unknown` without an LSOA in the table. */
export const IMD_QUINTILES = ['1', '2', '3', '4', '5', 'unknown'] as const;
export type ImdQuintile = (typeof IMD_QUINTILES)[number];

export const EquityDimension = { age: 'age', imd: 'imd', need: 'need' } as const;
export type EquityDimension = (typeof EquityDimension)[keyof typeof EquityDimension];

export type EquityRouteCounts = Record<EquityRoute, number>;
export type EquityOutcomeCounts = Record<EquityOutcome, number>;

export interface EquityGroup {
  dimension: EquityDimension;
  group: EquityAgeBand | ImdQuintile | EquityNeedGroup;
  total: number;
  byRoute: EquityRouteCounts;
  byOutcome: EquityOutcomeCounts;
  /** online-self requests ÷ all requests of the group (0–1); null when the group has none */
  onlineSelfShare: number | null;
  /** the group uses the online-self route much less than the practice overall (see the rule above) */
  flagged: boolean;
}

export interface LoadAndEquity {
  /** the period asked for, inclusive (FHIR dates or dateTimes) */
  period: { from: string; to: string };
  total: number;
  byRoute: EquityRouteCounts;
  byOutcome: EquityOutcomeCounts;
  onlineSelfShare: number | null;
  /** the rule that flags a group, in words, for the page to show */
  flagRule: string;
  /** age bands, then IMD quintiles, then access needs, each in a fixed order */
  groups: EquityGroup[];
}

/** IMD quintile from a decile (1–10): ceil(decile / 2) (English Indices of Deprivation, File 1). */
export function quintileOf(decile: number | undefined): ImdQuintile {
  if (decile === undefined || !Number.isInteger(decile) || decile < 1 || decile > 10) return 'unknown';
  return String(Math.ceil(decile / 2)) as ImdQuintile;
}

const zeroRoutes = (): EquityRouteCounts => Object.fromEntries(EQUITY_ROUTES.map((r) => [r, 0])) as EquityRouteCounts;
const zeroOutcomes = (): EquityOutcomeCounts => Object.fromEntries(EQUITY_OUTCOMES.map((o) => [o, 0])) as EquityOutcomeCounts;

interface Tally {
  total: number;
  byRoute: EquityRouteCounts;
  byOutcome: EquityOutcomeCounts;
}

const newTally = (): Tally => ({ total: 0, byRoute: zeroRoutes(), byOutcome: zeroOutcomes() });

function count(tally: Tally, fact: RequestFact): void {
  tally.total++;
  tally.byRoute[fact.route]++;
  tally.byOutcome[fact.outcome]++;
}

const shareOf = (tally: Tally): number | null => (tally.total === 0 ? null : tally.byRoute[EquityRoute.onlineSelf] / tally.total);

export const FLAG_RULE = `a group is flagged when it has at least ${MIN_REQUESTS_TO_FLAG} requests and its share made online by the person themselves is below half the share for all requests`;

/**
 * Sums the requests. `deciles` maps LSOA codes to their IMD decile (from the reference table);
 * a request whose LSOA is missing from it counts under IMD `unknown`.
 */
export function summariseLoadAndEquity(facts: readonly RequestFact[], deciles: ReadonlyMap<string, number>, period: { from: string; to: string }): LoadAndEquity {
  const overall = newTally();
  const tallies = new Map<string, Tally>();
  const keys: [EquityDimension, string][] = [
    ...EQUITY_AGE_BANDS.map((g): [EquityDimension, string] => [EquityDimension.age, g]),
    ...IMD_QUINTILES.map((g): [EquityDimension, string] => [EquityDimension.imd, g]),
    ...EQUITY_NEED_GROUPS.map((g): [EquityDimension, string] => [EquityDimension.need, g]),
  ];
  for (const [dimension, group] of keys) tallies.set(`${dimension}:${group}`, newTally());
  const tallyOf = (dimension: EquityDimension, group: string): Tally => tallies.get(`${dimension}:${group}`) as Tally;

  for (const fact of facts) {
    count(overall, fact);
    count(tallyOf(EquityDimension.age, fact.ageBand), fact);
    count(tallyOf(EquityDimension.imd, quintileOf(fact.lsoaCode === undefined ? undefined : deciles.get(fact.lsoaCode))), fact);
    for (const need of new Set(fact.needs)) count(tallyOf(EquityDimension.need, need), fact);
  }

  const overallShare = shareOf(overall);
  const groups = keys.map(([dimension, group]): EquityGroup => {
    const tally = tallyOf(dimension, group);
    const share = shareOf(tally);
    return {
      dimension,
      group: group as EquityGroup['group'],
      total: tally.total,
      byRoute: tally.byRoute,
      byOutcome: tally.byOutcome,
      onlineSelfShare: share,
      flagged: share !== null && overallShare !== null && tally.total >= MIN_REQUESTS_TO_FLAG && share < overallShare * FLAG_BELOW_SHARE_OF_OVERALL,
    };
  });
  return { period: { ...period }, total: overall.total, byRoute: overall.byRoute, byOutcome: overall.byOutcome, onlineSelfShare: overallShare, flagRule: FLAG_RULE, groups };
}
