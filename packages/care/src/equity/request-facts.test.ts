/** Reading one request's facts from its Task and Patient (decision 0013 mapping), in isolation. */
import { describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import {
  LSOA_EXTENSION,
  LSOA_SYSTEM,
  ageBandOf,
  ageOn,
  lsoaOn,
  outcomeOf,
  requestFactOf,
  routeOf,
} from './request-facts.ts';
import { ONLINE_REQUEST_CODE, REQUEST_ROUTE_EXTENSION, TASK_CODE_SYSTEM, TRIAGE_OUTCOME_SYSTEM } from '../triage/triage-vocabulary.ts';

const task = (extra: Partial<Resource> = {}): Resource => ({
  resourceType: 'Task',
  id: 'r1',
  status: 'requested',
  intent: 'order',
  code: { coding: [{ system: TASK_CODE_SYSTEM, code: ONLINE_REQUEST_CODE }] },
  for: { reference: 'Patient/p1' },
  authoredOn: '2026-03-10T09:00:00Z',
  extension: [{ url: REQUEST_ROUTE_EXTENSION, valueCode: 'phone' }],
  ...extra,
});
const lsoa = (code: string) => ({ url: LSOA_EXTENSION, valueCoding: { system: LSOA_SYSTEM, code } });

describe('the facts of one request', () => {
  it('the route from the request-route extension, or unrecorded', () => {
    expect(routeOf(task())).toBe('phone');
    expect(routeOf(task({ extension: [{ url: REQUEST_ROUTE_EXTENSION, valueCoding: { code: 'online-self' } }] }))).toBe('online-self');
    expect(routeOf(task({ extension: [{ url: REQUEST_ROUTE_EXTENSION, valueCode: 'carrier-pigeon' }] }))).toBe('unrecorded');
    expect(routeOf(task({ extension: undefined }))).toBe('unrecorded');
  });

  it('the outcome from Task.output in whichever form it is coded, else open or no-outcome by status', () => {
    // as recordOutcome writes it: the kind in the output's type, what was done in its value
    expect(outcomeOf(task({ status: 'completed', output: [{ type: { coding: [{ system: TRIAGE_OUTCOME_SYSTEM, code: 'reply' }] }, valueString: 'book a blood test at the desk' }] }))).toBe('reply');
    expect(outcomeOf(task({ status: 'completed', output: [{ type: { text: 'outcome' }, valueCodeableConcept: { coding: [{ code: 'sign-post' }] } }] }))).toBe('sign-post');
    expect(outcomeOf(task({ status: 'completed', output: [{ type: { coding: [{ code: 'refer' }] }, valueReference: { reference: 'Organization/hospital' } }] }))).toBe('refer');
    expect(outcomeOf(task({ status: 'completed', output: [{ type: { text: 'appointment' }, valueReference: { reference: 'Appointment/a' } }, { type: { text: 'outcome' }, valueCode: 'book' }] }))).toBe('book');
    expect(outcomeOf(task({ status: 'in-progress' }))).toBe('open');
    expect(outcomeOf(task({ status: 'cancelled' }))).toBe('no-outcome');
  });

  it('age in whole years on the request day, and its band', () => {
    expect(ageOn('1946-03-10', '2026-03-10')).toBe(80);
    expect(ageOn('1946-03-11', '2026-03-10')).toBe(79);
    expect(ageOn('2008-03', '2026-03-10')).toBe(18);
    expect(ageOn('2027-01-01', '2026-03-10')).toBeUndefined();
    expect(ageOn(undefined, '2026-03-10')).toBeUndefined();
    expect([17, 18, 39, 40, 64, 65, 79, 80, undefined].map(ageBandOf)).toEqual(['0-17', '18-39', '18-39', '40-64', '40-64', '65-79', '65-79', '80+', 'unknown']);
  });

  it('the LSOA of the address lived at on the request day, home first, never an old address', () => {
    const patient: Resource = {
      resourceType: 'Patient',
      address: [
        { use: 'old', extension: [lsoa('E01000001')] },
        { use: 'work', extension: [lsoa('E01000002')] },
        { use: 'home', period: { end: '2026-01-31' }, extension: [lsoa('E01000003')] },
        { use: 'home', period: { start: '2026-02-01' }, extension: [lsoa('E01000004')] },
      ],
    };
    expect(lsoaOn(patient, '2026-03-10')).toBe('E01000004');
    expect(lsoaOn(patient, '2026-01-15')).toBe('E01000003');
    expect(lsoaOn({ resourceType: 'Patient', address: [{ use: 'old', extension: [lsoa('E01000001')] }] }, '2026-03-10')).toBeUndefined();
    expect(lsoaOn({ resourceType: 'Patient', address: [{ extension: [{ url: LSOA_EXTENSION, valueCoding: { system: 'other', code: 'X' } }] }] }, '2026-03-10')).toBeUndefined();
  });

  it('access needs from the recorded profile (a person may count under several), none, or unknown without a readable record', () => {
    const patient: Resource = {
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1940-01-01',
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'bfi' }] }, preferred: true }],
      extension: [
        { url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true },
        { url: 'https://kindred.health/fhir/StructureDefinition/access-needs', extension: [{ url: 'noInternet', valueBoolean: true }, { url: 'largePrint', valueBoolean: true }, { url: 'sightLoss', valueBoolean: true }] },
      ],
    };
    const input = task();
    const frozen = JSON.stringify([input, patient]);
    expect(requestFactOf(input, patient)).toEqual({
      taskId: 'r1',
      route: 'phone',
      outcome: 'open',
      ageBand: '80+',
      needs: ['no-internet', 'interpreter', 'bsl', 'easy-read-or-large-print', 'hearing-or-sight-loss'],
    });
    expect(JSON.stringify([input, patient])).toBe(frozen);
    expect(requestFactOf(task(), { resourceType: 'Patient', birthDate: '2000-01-01', address: [{ extension: [lsoa('E01000005')] }] })).toMatchObject({ ageBand: '18-39', lsoaCode: 'E01000005', needs: ['none'] });
    expect(requestFactOf(task(), undefined)).toMatchObject({ ageBand: 'unknown', needs: ['unknown'] });
    expect(requestFactOf(task(), undefined).lsoaCode).toBeUndefined();
  });
});
