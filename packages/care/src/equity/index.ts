/** The load and equity view of online requests (issue 4): who uses which route, by age, deprivation and access need. */
export {
  EquityDimension,
  FLAG_BELOW_SHARE_OF_OVERALL,
  FLAG_RULE,
  IMD_QUINTILES,
  MIN_REQUESTS_TO_FLAG,
  quintileOf,
  summariseLoadAndEquity,
  type EquityGroup,
  type EquityOutcomeCounts,
  type EquityRouteCounts,
  type ImdQuintile,
  type LoadAndEquity,
} from './equity-summary.ts';
export {
  EQUITY_AGE_BANDS,
  EQUITY_NEED_GROUPS,
  EQUITY_OUTCOMES,
  EQUITY_ROUTES,
  EquityAgeBand,
  EquityNeedGroup,
  EquityOutcome,
  EquityRoute,
  LSOA_EXTENSION,
  LSOA_SYSTEM,
  lsoaOn,
  type RequestFact,
} from './request-facts.ts';
export { readRequestFacts, requestLoadAndEquity, type ImdLookup, type LoadAndEquityQuery } from './request-load-and-equity.ts';
