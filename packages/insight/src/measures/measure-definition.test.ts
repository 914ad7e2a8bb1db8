/**
 * The measure library and the built-in views as data: every shipped measure passes the schema,
 * every built-in view is a complete, compilable SQL on FHIR v2 ViewDefinition, and a measure
 * that names an unknown column, an unknown operator or anything like SQL is refused by name.
 */
import { describe, expect, it } from 'vitest';
import { compileView } from '../views/index.ts';
import { BUILT_IN_VIEWS } from './built-in-views.ts';
import { MEASURE_LIBRARY, MeasureDefinitionError, STRATA, STRATUM_IDS, measureById, parseMeasureDefinition, parseMeasureLibrary } from './index.ts';

const valid = {
  id: 'test-measure',
  title: 'A test measure',
  description: 'What it shows.',
  view: 'request',
  dateColumn: 'authored',
  period: 'week',
  kind: 'proportion',
  numerator: [{ column: 'route', op: 'eq', value: 'phone' }],
  unit: '%',
  improvement: 'neutral',
};

describe('the built-in views', () => {
  it('are complete SQL on FHIR v2 ViewDefinitions that compile, each column typed', () => {
    expect(BUILT_IN_VIEWS.map((v) => v.name)).toEqual(['appointment', 'request', 'red_flag_exit', 'ward_alert', 'care_team', 'person', 'carer', 'organisation']);
    for (const view of BUILT_IN_VIEWS) {
      expect(view).toMatchObject({ resourceType: 'ViewDefinition', status: 'active', url: `https://kindred.health/fhir/ViewDefinition/${String(view.name)}` });
      expect(typeof view.title).toBe('string');
      expect(typeof view.description).toBe('string');
      const compiled = compileView(view);
      expect(compiled.columns.every((c) => typeof c.type === 'string'), String(view.name)).toBe(true);
    }
  });
});

describe('the measure library', () => {
  it('ships the measures of every shift, each valid and described', () => {
    const ids = MEASURE_LIBRARY.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining([
      'consultations-video', 'consultations-phone', 'consultations-online', 'consultations-in-person', 'first-response-hours',
      'requests-route-online-self', 'requests-route-online-assisted', 'requests-route-phone', 'requests-route-in-person', 'red-flag-exits',
      'did-not-attend-video', 'did-not-attend-phone', 'did-not-attend-face-to-face', 'did-not-attend-home-visit', 'ward-alert-response-minutes',
    ]));
    for (const m of MEASURE_LIBRARY) expect(m.description.length, m.id).toBeGreaterThan(80);
    expect(measureById('red-flag-exits')).toMatchObject({ kind: 'count', period: 'week', view: 'red_flag_exit' });
    expect(measureById('no-such-measure')).toBeUndefined();
    expect(STRATA.map((s) => s.id)).toEqual([...STRATUM_IDS]);
  });

  it('takes the defaults: the organisation and patient columns and every stratum', () => {
    expect(parseMeasureDefinition(valid)).toMatchObject({ organisationColumn: 'organisation', patientColumn: 'patient', strata: [...STRATUM_IDS], filter: [], denominator: [] });
  });

  it('refuses a repeated id', () => {
    expect(() => parseMeasureLibrary([valid, valid])).toThrow(/Two measures share the id "test-measure"/);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown source', { view: 'patient; DROP TABLE x' }, /there is no source called/],
    ['a column the source does not have', { numerator: [{ column: 'route = route OR 1', op: 'eq', value: 'x' }] }, /is not a column of the source/],
    ['an unknown operator', { numerator: [{ column: 'route', op: 'like', value: '%' }] }, /"op" must be one of/],
    ['a list operator without a list', { numerator: [{ column: 'route', op: 'in', value: 'phone' }] }, /needs a non-empty list/],
    ['a value on a no-value operator', { numerator: [{ column: 'route', op: 'isNull', value: 'x' }] }, /takes no value/],
    ['isTrue on a text column', { numerator: [{ column: 'route', op: 'isTrue' }] }, /needs a true\/false column/],
    ['a date column that is not a date', { dateColumn: 'route' }, /must be timestamp/],
    ['a proportion without a numerator', { numerator: [] }, /needs numerator conditions/],
    ['a median without a numeric value column', { kind: 'median', numerator: undefined, valueColumn: 'route' }, /must be number/],
    ['a count with a numerator', { kind: 'count' }, /only a proportion has numerator/],
    ['an unknown stratum', { strata: ['postcode'] }, /"strata" must list some of/],
    ['an unknown period', { period: 'day' }, /"period" must be one of week, month/],
    ['an id with spaces', { id: 'Bad id' }, /"id" must be lower-case/],
    ['a target that is not a number', { target: '30' }, /"target" must be a number/],
  ];
  it.each(refused)('refuses %s', (_, change, message) => {
    expect(() => parseMeasureDefinition({ ...valid, ...change })).toThrow(MeasureDefinitionError);
    expect(() => parseMeasureDefinition({ ...valid, ...change })).toThrow(message);
  });
});
