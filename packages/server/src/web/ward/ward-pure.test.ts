/**
 * The virtual ward pages' pure parts: the trend chart (an accessible image with a text alternative,
 * the threshold bands, each reading's colour also in its shape), the readings form's parsing (only
 * the plan's measures, typing slips caught, blood pressure in two halves) and the enrolment form's
 * parsing (limits in order, scale 2 on a clinician's decision); the dashboard's own classes are in
 * the stylesheet.
 */
import { DEFAULT_THRESHOLDS, Measure, RagColour } from '@kindred/care';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseReadingsForm, readingFields } from './readings-form.ts';
import { chartDescription, trendChart } from './ward-chart.ts';
import { renderWardDashboard } from './ward-dashboard-page.ts';
import { parseEnrolForm, renderEnrolPage } from './ward-enrol-page.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');

describe('the trend chart', () => {
  const points = [
    { at: NOW - 3 * DAY, value: 96, colour: RagColour.green },
    { at: NOW - 2 * DAY, value: 93, colour: RagColour.amber },
    { at: NOW - DAY, value: 91, colour: RagColour.red },
  ];
  const chart = trendChart({ id: 'c1', label: 'SpO2 for Alice', unit: '%', points, bands: { redBelow: 92, amberBelow: 94 }, from: NOW - 7 * DAY, to: NOW }).value;

  it('is an image with a title and a description that say what it shows', () => {
    expect(chart).toContain('role="img"');
    expect(chart).toContain('aria-labelledby="c1-title c1-desc"');
    expect(chart).toContain('<title id="c1-title">SpO2 for Alice</title>');
    expect(chart).toMatch(/<desc id="c1-desc">SpO2 for Alice from 13 Nov to 20 Nov: 3 readings from 91 to 96 %, 1 red and 1 amber\. Latest 91 % on 19 Nov \(red\)\.<\/desc>/);
  });

  it('shades the bands and shows each colour by shape as well (circle, square, triangle)', () => {
    expect(chart.match(/fill="#d5281b" fill-opacity/g)).toHaveLength(1);
    expect(chart.match(/fill="#ffb81c" fill-opacity/g)).toHaveLength(1);
    expect(chart).toContain('<circle');
    expect(chart).toContain('<rect x="');
    expect(chart).toMatch(/<path d="M[^"]+Z" fill="#d5281b"/);
  });

  it('says when there are no readings', () => {
    expect(chartDescription({ id: 'x', label: 'Pulse', unit: 'beats a minute', points: [], bands: {}, from: NOW - DAY, to: NOW })).toBe('Pulse: no readings from 19 Nov to 20 Nov.');
  });
});

describe('the readings form', () => {
  const planned = [Measure.spo2, Measure.bloodPressure, Measure.temperature, Measure.symptomsWorse];

  it('shows only the plan’s measures, with their hints and what was typed', () => {
    const fields = readingFields(planned, { spo2: '9x' }, [{ field: 'spo2', message: 'Enter a number' }], 'person').value;
    expect(fields).toContain('Oxygen level (SpO2) (%)');
    expect(fields).toContain('value="9x"');
    expect(fields).toContain('Enter a number');
    expect(fields).toContain('name="systolic"');
    expect(fields).not.toContain('name="pulse"');
    expect(fields).not.toContain('name="weight"');
  });

  it('reads the values it is given and leaves out the blank ones', () => {
    expect(parseReadingsForm({ spo2: ' 94 ', systolic: '128', diastolic: '82', temperature: '37,8', 'symptoms-worse': 'no' }, planned, 'person')).toEqual({
      values: { spo2: 94, bloodPressure: { systolic: 128, diastolic: 82 }, temperature: 37.8, symptomsWorse: false },
    });
    expect(parseReadingsForm({ spo2: '97' }, planned, 'staff')).toEqual({ values: { spo2: 97 } });
  });

  it('says what to fix: not a number, out of range, half a blood pressure, swapped halves, nothing at all', () => {
    const errors = (fields: Record<string, string>) => ('errors' in parseReadingsForm(fields, planned, 'person') ? (parseReadingsForm(fields, planned, 'person') as { errors: { field: string; message: string }[] }).errors : []);
    expect(errors({ spo2: 'ninety' })[0]).toMatchObject({ field: 'spo2' });
    expect(errors({ spo2: '940' })[0]?.message).toContain('between 50 and 100');
    expect(errors({ spo2: '94.5' })[0]?.message).toContain('whole number');
    expect(errors({ systolic: '128' })[0]).toMatchObject({ field: 'diastolic' });
    expect(errors({ systolic: '80', diastolic: '120' })[0]?.message).toContain('swapped');
    expect(errors({})[0]).toMatchObject({ field: 'spo2', message: 'Enter at least one reading' });
    // a measure not in the plan is ignored, not stored
    expect(parseReadingsForm({ spo2: '95', pulse: '80' }, planned, 'person')).toEqual({ values: { spo2: 95 } });
  });
});

describe('the enrolment form', () => {
  const good = {
    ward: 'ward-1',
    measures: ['spo2', 'pulse', 'symptoms-worse'],
    'times-per-day': '2',
    'spo2-scale': '1',
    'home-oxygen': 'no',
    'limit-spo2-redBelow': '90',
    'limit-spo2-amberBelow': '93',
    'limit-pulse-redBelow': '40',
    'limit-pulse-amberBelow': '50',
    'limit-pulse-amberAbove': '111',
    'limit-pulse-redAbove': '131',
  };

  it('is pre-filled with the default limits and says what scale 2 is for', () => {
    const page = renderEnrolPage({ patientId: 'p1', name: 'Alice Able', wards: [{ id: 'ward-1', name: 'Respiratory virtual ward', careTeam: {} as never }], csrf: 't' }).main.value;
    expect(page).toContain(`name="limit-spo2-redBelow" type="text" value="${DEFAULT_THRESHOLDS.spo2?.redBelow}"`);
    expect(page).toContain('hypercapnic respiratory failure');
    expect(page).toContain('checked');
  });

  it('turns the form into the plan’s measures with their limits', () => {
    const parsed = parseEnrolForm(good, ['ward-1']);
    expect(parsed).toEqual({
      choices: {
        wardId: 'ward-1',
        measures: [
          { measure: 'spo2', timesPerDay: 2, thresholds: { redBelow: 90, amberBelow: 93 } },
          { measure: 'pulse', timesPerDay: 2, thresholds: { redBelow: 40, amberBelow: 50, amberAbove: 111, redAbove: 131 } },
          { measure: 'symptoms-worse', timesPerDay: 2 },
        ],
        spo2Scale: 1,
        homeOxygen: false,
      },
    });
  });

  it('refuses a ward that is not theirs, no measures, and limits out of order', () => {
    const parsed = parseEnrolForm({ ...good, ward: 'someone-elses', measures: [], 'limit-pulse-amberAbove': '30' }, ['ward-1']);
    expect('errors' in parsed && parsed.errors.map((e) => e.field)).toEqual(['ward', 'measures', 'limit-pulse-amberAbove']);
  });

  it('with scale 2 and scale 1’s SpO2 limits untouched, leaves SpO2 to the scale 2 limits', () => {
    const parsed = parseEnrolForm({ ...good, 'spo2-scale': '2', 'limit-spo2-redBelow': '92', 'limit-spo2-amberBelow': '94' }, ['ward-1']);
    expect('choices' in parsed && parsed.choices.measures[0]).toEqual({ measure: 'spo2', timesPerDay: 2 });
    expect('choices' in parsed && parsed.choices.spo2Scale).toBe(2);
  });
});

describe("the ward dashboard's styles", () => {
  it('defines in app.css every Kindred class the dashboard uses (cards, charts side by side)', async () => {
    const css = await readFile(new URL('../../pages/app.css', import.meta.url), 'utf8');
    const row = {
      patientId: 'p1',
      name: 'Alice Able',
      colour: RagColour.amber,
      reasons: [{ colour: RagColour.amber, text: 'Oxygen level (SpO2): 93%' }],
      lastReadingAt: new Date(NOW - DAY).toISOString(),
      latest: [],
      missed: [],
      openAlerts: [],
      series: [Measure.spo2, Measure.pulse].map((measure) => ({ measure, unit: '', points: [{ at: new Date(NOW - DAY).toISOString(), value: 93, colour: RagColour.amber }] })),
      carePlanId: 'plan-1',
    };
    const careTeam = { resourceType: 'CareTeam', id: 'ward-1', meta: { versionId: '1', lastUpdated: new Date(NOW).toISOString() } };
    const page = renderWardDashboard({ dashboard: { ward: { id: 'ward-1', name: 'Respiratory virtual ward', careTeam }, rows: [row], caution: 'NEWS2' }, wards: [], now: NOW, bands: new Map(), linkOf: (path) => path }).main.value;
    const used = [...new Set([...page.matchAll(/class="([^"]*)"/g)].flatMap((m) => m[1]!.split(/\s+/)).filter((c) => c.startsWith('app-')))];
    expect(used).toEqual(expect.arrayContaining(['app-ward-card', 'app-ward-card--amber', 'app-trend-list', 'app-trend-list__item', 'app-trend-chart']));
    expect(used.filter((c) => !new RegExp(`\\.${c}[\\s,{:]`).test(css))).toEqual([]);
  });
});
