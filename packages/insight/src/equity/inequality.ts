/**
 * Inequality across ordered social groups (for example IMD quintiles, 1 = most deprived): the gap
 * between the extremes and the slope and relative indices of inequality over the whole gradient.
 * Method: Public Health England / OHID public health technical guidance, "Slope index of inequality
 * (SII) and relative index of inequality (RII)" (after Low and Low, 2004): a least squares regression,
 * weighted by population, of each group's value on its relative rank, the midpoint of its share of
 * the cumulative population. Pure; no rounding.
 *
 * Sign convention: groups are ranked from the most deprived (rank 0) to the least deprived (rank 1),
 * so the SII is the modelled value for the least deprived minus that for the most deprived. A positive
 * SII means the value rises as deprivation falls; a negative one means it is higher where people are
 * more deprived. The absolute gap is the other way round (most deprived minus least deprived), as it
 * is usually reported.
 */

export interface OrderedGroup {
  label: string;
  /** Position on the social scale: the lowest order is the most deprived. */
  order: number;
  population: number;
  value: number;
}

export interface InequalityResult {
  /** Most deprived value − least deprived value. */
  absoluteGap: number;
  /** Most deprived value ÷ least deprived value: 1 when both are 0, NaN (undefined) when only the least deprived is 0. */
  relativeGap: number;
  /** Slope index of inequality (see the sign convention above). */
  sii: number;
  /** Relative index of inequality: SII ÷ the population-weighted mean value; NaN (undefined) when that mean is 0. */
  rii: number;
  mostDeprived: string;
  leastDeprived: string;
}

/** Relative rank of each group: the midpoint of its slice of the cumulative population, from 0 to 1. */
export function cumulativeMidpoints(populations: readonly number[]): number[] {
  const total = populations.reduce((a, b) => a + b, 0);
  let before = 0;
  return populations.map((p) => {
    const mid = (before + p / 2) / total;
    before += p;
    return mid;
  });
}

function ratio(most: number, least: number): number {
  if (least === 0) return most === 0 ? 1 : Number.NaN;
  return most / least;
}

/**
 * Gaps and indices of inequality, or null when fewer than two groups have people in them (groups with
 * no population, or without a finite value, are left out).
 */
export function inequality(groups: readonly OrderedGroup[]): InequalityResult | null {
  const used = groups.filter((g) => g.population > 0 && Number.isFinite(g.population) && Number.isFinite(g.value)).sort((a, b) => a.order - b.order);
  const most = used[0];
  const least = used[used.length - 1];
  if (used.length < 2 || most === undefined || least === undefined) return null;

  const w = used.map((g) => g.population);
  const y = used.map((g) => g.value);
  const x = cumulativeMidpoints(w);
  const sw = w.reduce((a, b) => a + b, 0);
  const xBar = x.reduce((a, xi, i) => a + (w[i] as number) * xi, 0) / sw;
  const yBar = y.reduce((a, yi, i) => a + (w[i] as number) * yi, 0) / sw;
  let sxy = 0;
  let sxx = 0;
  x.forEach((xi, i) => {
    const wi = w[i] as number;
    sxy += wi * (xi - xBar) * ((y[i] as number) - yBar);
    sxx += wi * (xi - xBar) ** 2;
  });
  const sii = sxy / sxx;
  return {
    absoluteGap: most.value - least.value,
    relativeGap: ratio(most.value, least.value),
    sii,
    rii: yBar === 0 ? Number.NaN : sii / yBar,
    mostDeprived: most.label,
    leastDeprived: least.label,
  };
}
