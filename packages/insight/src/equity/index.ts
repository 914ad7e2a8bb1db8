/** Equity: how a measure differs across ordered social groups (gaps, slope and relative indices of inequality). */
export { inequality, cumulativeMidpoints } from './inequality.ts';
export type { OrderedGroup, InequalityResult } from './inequality.ts';
