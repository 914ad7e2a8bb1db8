/** Statistical process control (XmR charts, NHS "Making Data Count"): the computation and its SVG chart. */
export { xmr, SpcInputError, parseSpcDate, MIN_POINTS } from './xmr.ts';
export type { Improvement, PointType, AssuranceIcon, SpecialCauseRule, SpcOptions, SpcPoint, SpcResult } from './xmr.ts';
export { renderSpcChart, describeSpc, spcCsv, spcTableRows, variationIconSvg, assuranceIconSvg, formatSpcNumber } from './spc-chart.ts';
export type { SpcChartOptions } from './spc-chart.ts';
export { variationMeaning, assuranceMeaning, SPC_COLOURS } from './spc-icons.ts';
