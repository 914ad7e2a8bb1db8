/**
 * What the measure pages show, worked out from the analytics copy of the record: a measure's
 * series for an organisation or the whole area, its XmR chart (limits, special causes, icons) with
 * the improvement changes marked, its breakdown by a group of people with the equity gaps, the
 * CSV of its points, and each measure's card on the dashboard. Reads only aggregates through the
 * warehouse's read-only queries (the measure library's own SQL); never a person, never SQL here.
 *
 * `renderMeasurePage` is a measure page's content without HTTP (no sign-in frame), for the benchmark.
 */
import {
  assuranceIconSvg,
  computeMeasure,
  describeSpc,
  cachedBreakdown,
  cachedMeasure,
  measureBreakdown,
  MeasureError,
  measureById,
  measureOrganisations,
  renderSpcChart,
  spcCsv,
  STRATA,
  variationIconSvg,
  xmr,
  type MeasureBreakdown,
  type MeasureDefinition,
  type MeasureSeries,
  type SpcResult,
  type Warehouse,
} from '@kindred/insight';
import { FhirError } from '@kindred/fhir';
import type { SafeHtml } from '../../pages/html.ts';
import type { ChoiceItem } from '../components.ts';
import type { BreakdownView } from './insight-breakdown.ts';
import type { MeasureCard } from './insight-dashboard-page.ts';
import { optionsQuery, parseMeasureOptions, WHOLE_AREA, type MeasureOptions } from './insight-options.ts';
import { renderMeasurePageContent, type ChartView, type MeasureInfo, type MeasurePageView } from './insight-measure-page.ts';
import { stratumWords } from './insight-words.ts';

export interface Marker {
  date: string;
  label: string;
  /** the improvement cycles whose change this is, with their pages */
  cycles?: readonly { label: string; href: string }[];
}

/** The series as the last refresh of every measure left it, or worked out now when it has none. */
async function seriesOf(warehouse: Warehouse, measure: MeasureDefinition, organisation: string | undefined): Promise<MeasureSeries> {
  const scope = organisation !== undefined ? { organisation } : {};
  const cached = await cachedMeasure(warehouse, measure, scope);
  return cached !== undefined && cached.periods.length > 0 ? cached : computeMeasure(warehouse, measure, scope);
}

/** The chart at the width of its container: the engine's SVG keeps its viewBox, its fixed size goes. */
export const fluid = (svg: string): string => svg.replace(/^(<svg[^>]*?) width="\d+" height="\d+"/, '$1 width="100%"');

/** The measure as the pages describe it. */
export function measureInfo(measure: MeasureDefinition): MeasureInfo {
  const labels = new Map(STRATA.map((s) => [s.id as string, stratumWords(s.id, s.label)]));
  return {
    id: measure.id,
    title: measure.title,
    description: measure.description,
    unit: measure.unit,
    improvement: measure.improvement,
    ...(measure.target !== undefined ? { target: measure.target } : {}),
    period: measure.period,
    strata: measure.strata.map((id) => ({ id, label: labels.get(id) ?? stratumWords(id) })),
  };
}

/** The periods with a value, as the SPC engine takes them (a period with no denominator has no value). */
const pointsOf = (series: MeasureSeries) => series.periods.filter((p): p is typeof p & { value: number } => p.value !== null && Number.isFinite(p.value));

function chartOf(series: MeasureSeries, info: MeasureInfo, options: MeasureOptions, markers: readonly Marker[], size: { width?: number; height?: number; idPrefix: string }): { result: SpcResult; view: ChartView } {
  const periods = pointsOf(series);
  const result = xmr(
    periods.map((p) => ({ date: p.start, value: p.value })),
    {
      improvement: info.improvement,
      ...(info.target !== undefined ? { target: info.target } : {}),
      ...(options.rebase.length > 0 ? { rebase: options.rebase } : {}),
      ...(options.fixAfter !== undefined ? { fixAfter: options.fixAfter } : {}),
      screen: options.screen,
    },
  );
  const byDate = new Map(periods.map((p) => [p.start, p]));
  const describe = { title: info.title, ...(info.unit !== undefined ? { unit: info.unit } : {}) };
  const view: ChartView = {
    svg: result.points.length === 0 ? '' : fluid(renderSpcChart(result, { ...describe, markers: markers.map((m) => ({ date: m.date, label: m.label })), idPrefix: size.idPrefix, ...(size.width !== undefined ? { width: size.width } : {}), ...(size.height !== undefined ? { height: size.height } : {}) })),
    summary: result.points.length === 0 ? '' : describeSpc(result, describe),
    variationIcon: result.variationIcon,
    assuranceIcon: result.assuranceIcon,
    ...(result.variationIcon !== null ? { variationIconSvg: variationIconSvg(result.variationIcon, result.improvement) } : {}),
    ...(result.assuranceIcon !== null ? { assuranceIconSvg: assuranceIconSvg(result.assuranceIcon) } : {}),
    warnings: result.warnings,
    points: result.points.map((p) => {
      const period = byDate.get(p.date);
      return {
        date: p.date,
        value: p.value,
        ...(period !== undefined ? { numerator: period.numerator } : {}),
        ...(period?.denominator !== undefined ? { denominator: period.denominator } : {}),
        mean: p.mean,
        lpl: p.lpl,
        upl: p.upl,
        pointType: p.pointType,
      };
    }),
  };
  return { result, view };
}

async function breakdownOf(warehouse: Warehouse, measure: MeasureDefinition, info: MeasureInfo, stratum: string, organisation: string | undefined): Promise<BreakdownView> {
  const scope = organisation !== undefined ? { organisation } : {};
  const stratumLabel = info.strata.find((s) => s.id === stratum)?.label ?? stratumWords(stratum);
  let found: MeasureBreakdown;
  try {
    found = (await cachedBreakdown(warehouse, measure, stratum, scope)) ?? (await measureBreakdown(warehouse, measure, stratum, scope));
  } catch (error) {
    // a breakdown that cannot be made here (no deprivation table loaded) is said on the page
    if (error instanceof MeasureError) return { stratum, stratumLabel, groups: [], inequality: null, hasDenominator: false, problem: error.message };
    throw error;
  }
  const groups = [...found.groups].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  return {
    stratum,
    stratumLabel,
    groups: groups.map((g) => ({ label: g.label, numerator: g.numerator, ...(g.denominator !== undefined ? { denominator: g.denominator } : {}), value: g.value })),
    inequality: found.inequality,
    hasDenominator: groups.some((g) => g.denominator !== undefined),
  };
}

export interface MeasureContext {
  warehouse: Warehouse;
  measure: MeasureDefinition;
  /** the organisations that may be chosen ("Organization/…" and name), the whole area added first */
  organisations: readonly { reference: string; name: string }[];
  /** the organisation shown when none is chosen: "Organization/…" or "area" */
  defaultOrg: string;
  /** the improvement changes to mark on the chart */
  markers: readonly Marker[];
  refreshedAt?: string;
}

export const organisationChoices = (organisations: readonly { reference: string; name: string }[]): ChoiceItem[] => [
  { value: WHOLE_AREA, text: 'The whole area' },
  ...organisations.map((o) => ({ value: o.reference, text: o.name })),
];

export const placeNameOf = (org: string, organisations: readonly { reference: string; name: string }[]): string =>
  org === WHOLE_AREA ? 'The whole area' : (organisations.find((o) => o.reference === org)?.name ?? org);

const measurePath = (id: string): string => `/app/staff/insight/measures/${encodeURIComponent(id)}`;

/** The measure page's content and whether the options could be read (400 when not). */
export async function measurePageContent(context: MeasureContext, query: Readonly<Record<string, unknown>>): Promise<{ status: number; title: string; main: SafeHtml; errors: MeasurePageView['errors'] }> {
  const info = measureInfo(context.measure);
  const parsed = parseMeasureOptions(query, { defaultOrg: context.defaultOrg, organisations: context.organisations.map((o) => o.reference), strata: info.strata.map((s) => s.id) });
  const base = {
    measure: info,
    organisations: organisationChoices(context.organisations),
    fields: parsed.fields,
    changes: context.markers,
    dashboardHref: `/app/staff/insight?org=${encodeURIComponent(parsed.fields.org)}`,
    csvHref: `${measurePath(info.id)}.csv?${optionsQuery({ ...parsed.fields, stratum: '' })}`,
    ...(context.refreshedAt !== undefined ? { refreshedAt: context.refreshedAt } : {}),
  };
  if (!parsed.ok) {
    const content = renderMeasurePageContent({ ...base, placeName: placeNameOf(parsed.fields.org, context.organisations), errors: parsed.errors });
    return { status: 400, ...content, errors: parsed.errors };
  }
  const { options } = parsed;
  const series = await seriesOf(context.warehouse, context.measure, options.organisation);
  const { view: chart } = chartOf(series, info, options, context.markers, { idPrefix: `spc-${info.id}` });
  const breakdown = options.stratum !== undefined ? await breakdownOf(context.warehouse, context.measure, info, options.stratum, options.organisation) : undefined;
  const content = renderMeasurePageContent({
    ...base,
    placeName: placeNameOf(parsed.fields.org, context.organisations),
    errors: [],
    chart,
    ...(breakdown !== undefined ? { breakdown } : {}),
  });
  return { status: 200, ...content, errors: [] };
}

/**
 * The chart's points as CSV: the SPC engine's columns (spcCsv) with the numerator and denominator of
 * each period added. Undefined with the errors when the options cannot be read.
 */
export async function measureCsv(context: MeasureContext, query: Readonly<Record<string, unknown>>): Promise<{ ok: true; csv: string; filename: string } | { ok: false; errors: readonly { field: string; message: string }[] }> {
  const info = measureInfo(context.measure);
  const parsed = parseMeasureOptions({ ...query, stratum: '' }, { defaultOrg: context.defaultOrg, organisations: context.organisations.map((o) => o.reference), strata: [] });
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const { options } = parsed;
  const series = await seriesOf(context.warehouse, context.measure, options.organisation);
  const { result } = chartOf(series, info, options, [], { idPrefix: 'csv' });
  const byDate = new Map(series.periods.map((p) => [p.start, p]));
  const csv = spcCsv(result, {
    headers: ['numerator', 'denominator'],
    values: (point) => {
      const period = byDate.get(point.date);
      return [period?.numerator, period?.denominator];
    },
  });
  const place = options.organisation !== undefined ? options.organisation.replace('Organization/', '') : 'area';
  return { ok: true, csv, filename: `${info.id}-${place}.csv` };
}

/** One measure's card on the dashboard: its latest value, small chart and icons. */
export async function measureCard(warehouse: Warehouse, measure: MeasureDefinition, organisation: string | undefined, org: string): Promise<MeasureCard> {
  const info = measureInfo(measure);
  const series = await seriesOf(warehouse, measure, organisation);
  const { view } = chartOf(series, info, { rebase: [], screen: true }, [], { width: 420, height: 180, idPrefix: `card-${info.id}` });
  const last = view.points[view.points.length - 1];
  return {
    id: info.id,
    title: info.title,
    ...(info.unit !== undefined ? { unit: info.unit } : {}),
    hasTarget: info.target !== undefined,
    ...(last !== undefined ? { latest: { date: last.date, value: last.value } } : {}),
    ...(view.svg !== '' ? { chartSvg: view.svg } : {}),
    variationIcon: view.variationIcon,
    assuranceIcon: view.assuranceIcon,
    ...(view.variationIconSvg !== undefined ? { variationIconSvg: view.variationIconSvg } : {}),
    ...(view.assuranceIconSvg !== undefined ? { assuranceIconSvg: view.assuranceIconSvg } : {}),
    href: `${measurePath(info.id)}?org=${encodeURIComponent(org)}`,
  };
}

/** The latest time any view of the analytics copy was refreshed, or undefined when none has been. */
export async function lastRefreshed(warehouse: Warehouse): Promise<string | undefined> {
  const times = (await warehouse.status()).map((s) => s.refreshedAt).filter((t): t is string => typeof t === 'string' && t !== '');
  return times.length === 0 ? undefined : times.sort()[times.length - 1];
}

/**
 * The whole measure page's main content without HTTP (for the benchmark): the measure by id, for the
 * whole area unless `query.org` names an organisation, with the options of the page's form in `query`.
 */
export async function renderMeasurePage(warehouse: Warehouse, measureId: string, query: Readonly<Record<string, unknown>> = {}): Promise<{ status: number; title: string; html: string }> {
  const measure = measureById(measureId);
  if (measure === undefined) throw new FhirError('NOT_FOUND', `There is no measure called "${measureId}".`);
  const organisations = await measureOrganisations(warehouse);
  const refreshedAt = await lastRefreshed(warehouse);
  const content = await measurePageContent({ warehouse, measure, organisations, defaultOrg: WHOLE_AREA, markers: [], ...(refreshedAt !== undefined ? { refreshedAt } : {}) }, query);
  return { status: content.status, title: content.title, html: content.main.value };
}
