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
  type ImdQuintile,
  type LoadAndEquity,
  type EquityOutcomeCounts,
  type EquityRouteCounts,
} from './equity-summary.ts';
// the request vocabulary under equity names, so that it never clashes with the requests and triage folders' own
export {
  ACCESS_NEED_GROUPS as EQUITY_NEED_GROUPS,
  AGE_BANDS as EQUITY_AGE_BANDS,
  LSOA_EXTENSION,
  LSOA_SYSTEM,
  REQUEST_OUTCOMES as EQUITY_OUTCOMES,
  REQUEST_ROUTES as EQUITY_ROUTES,
  lsoaOn,
  type AccessNeedGroup as EquityNeedGroup,
  type AgeBand as EquityAgeBand,
  type RequestFact,
  type RequestOutcome as EquityOutcome,
  type RequestRoute as EquityRoute,
} from './request-facts.ts';
export { readRequestFacts, requestLoadAndEquity, type ImdLookup, type LoadAndEquityQuery } from './request-load-and-equity.ts';
