/**
 * Capacity, pure: open hours and the daily limit in London time (GMT and BST), what is offered
 * when full, when the practice opens again, and the reply-by date in working days; and the
 * plain-English status a person follows.
 */
import { describe, expect, it } from 'vitest';
import { capacityNow, capacityOf, DEFAULT_CAPACITY, replyByFor } from './capacity.ts';
import { dayInWords, londonInstant, timeInWords } from './london-time.ts';
import { requestReceivedMessage, requestStatusForPerson } from './request-status.ts';
import { ONLINE_REQUEST_CAPACITY_EXTENSION } from './request-vocabulary.ts';

const service = {
  resourceType: 'HealthcareService',
  id: 'north-online',
  availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], availableStartTime: '08:00:00', availableEndTime: '18:30:00' }],
  extension: [
    {
      url: ONLINE_REQUEST_CAPACITY_EXTENSION,
      extension: [
        { url: 'dailyLimit', valueInteger: 2 },
        { url: 'whenFull', valueCode: 'call-back' },
        { url: 'responseDays', valueInteger: 2 },
      ],
    },
  ],
};
const capacity = capacityOf(service);

describe('capacity', () => {
  it('reads the HealthcareService', () => {
    expect(capacity).toEqual({ healthcareService: 'HealthcareService/north-online', hours: [{ days: [1, 2, 3, 4, 5], opens: 480, closes: 1110 }], dailyLimit: 2, whenFull: 'call-back', responseDays: 2 });
    expect(capacityOf({ resourceType: 'HealthcareService' })).toEqual(DEFAULT_CAPACITY);
  });

  it('open in hours (London time, in summer too) and under the limit', () => {
    expect(capacityNow(capacity, 1, new Date('2026-03-04T12:00:00Z'))).toEqual({ open: true });
    // 07:30 UTC in July is 08:30 BST: open
    expect(capacityNow(capacity, 0, new Date('2026-07-01T07:30:00Z'))).toEqual({ open: true });
  });

  it('out of hours: offers what the practice chose, and says when it opens', () => {
    // Friday 18:45 in winter → Monday 08:00 GMT
    expect(capacityNow(capacity, 0, new Date('2026-03-06T18:45:00Z'))).toEqual({ open: false, reason: 'out-of-hours', offer: 'call-back', nextOpen: new Date('2026-03-09T08:00:00Z') });
    // Wednesday 07:00 BST (06:00 UTC) → 08:00 BST the same day
    expect(capacityNow(capacity, 0, new Date('2026-07-01T06:00:00Z'))).toMatchObject({ open: false, nextOpen: new Date('2026-07-01T07:00:00Z') });
  });

  it('at the daily limit: closed until the next day it opens', () => {
    expect(capacityNow(capacity, 2, new Date('2026-03-04T12:00:00Z'))).toEqual({ open: false, reason: 'daily-limit', offer: 'call-back', nextOpen: new Date('2026-03-05T08:00:00Z') });
    expect(capacityNow({ ...DEFAULT_CAPACITY, dailyLimit: 5, whenFull: 'admin-only' }, 5, new Date('2026-03-04T12:00:00Z'))).toEqual({
      open: false, reason: 'daily-limit', offer: 'admin-only', nextOpen: new Date('2026-03-05T00:00:00Z'),
    });
  });

  it('replies by closing time, working days later, counted from when the practice picks it up', () => {
    // Wednesday → Friday 18:30
    expect(replyByFor(capacity, { open: true }, new Date('2026-03-04T12:00:00Z'))).toEqual(new Date('2026-03-06T18:30:00Z'));
    // Thursday → Monday (the weekend is not counted)
    expect(replyByFor(capacity, { open: true }, new Date('2026-03-05T12:00:00Z'))).toEqual(new Date('2026-03-09T18:30:00Z'));
    // across the change to summer time: Friday 27 March → Tuesday 31 March, 18:30 BST
    expect(replyByFor(capacity, { open: true }, new Date('2026-03-27T12:00:00Z'))).toEqual(new Date('2026-03-31T17:30:00Z'));
    // Saturday, out of hours: picked up Monday → Wednesday
    const saturday = new Date('2026-03-07T10:00:00Z');
    expect(replyByFor(capacity, capacityNow(capacity, 0, saturday), saturday)).toEqual(new Date('2026-03-11T18:30:00Z'));
  });
});

describe('London time in words', () => {
  it('dates and times as people read them, in GMT and BST', () => {
    expect(dayInWords(new Date('2026-03-02T10:00:00Z'))).toBe('Monday 2 March');
    expect(timeInWords(new Date('2026-03-02T10:30:00Z'))).toBe('10:30am');
    expect(timeInWords(new Date('2026-07-02T13:00:00Z'))).toBe('2pm');
    expect(timeInWords(new Date('2026-07-02T11:00:00Z'))).toBe('midday');
    expect(londonInstant({ year: 2026, month: 7, day: 2 }, 9 * 60)).toEqual(new Date('2026-07-02T08:00:00Z'));
  });
});

describe('what the person sees of their request', () => {
  const task = {
    resourceType: 'Task',
    id: '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    meta: { versionId: '1', lastUpdated: '2026-03-04T12:00:00Z' },
    status: 'requested',
    businessStatus: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/request-stage', code: 'received' }] },
    owner: { reference: 'Organization/gp-north' },
    restriction: { period: { end: '2026-03-06T18:30:00.000Z' } },
  };

  it('received, with the date they will hear by', () => {
    expect(requestStatusForPerson(task)).toEqual({ stage: 'received', whatNext: 'The practice has your request. They will contact you by 6:30pm on Friday 6 March.', by: new Date('2026-03-06T18:30:00Z') });
  });

  it('a call-back says when they will be called', () => {
    const callBack = { ...task, input: [{ type: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/task-input', code: 'call-back-slot' }] }, valueReference: { reference: 'Slot/s1' } }], restriction: { period: { end: '2026-03-05T10:30:00Z' } } };
    expect(requestStatusForPerson(callBack).whatNext).toBe('The practice has your request. They will call you back at 10:30am on Thursday 5 March.');
  });

  it('triaged, booked, replied and closed', () => {
    expect(requestStatusForPerson({ ...task, businessStatus: undefined, status: 'in-progress' })).toMatchObject({ stage: 'triaged' });
    expect(requestStatusForPerson({ ...task, businessStatus: undefined, output: [{ type: { text: 'outcome' }, valueCode: 'book' }] })).toMatchObject({ stage: 'booked' });
    expect(requestStatusForPerson({ ...task, businessStatus: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/request-stage', code: 'replied' }] } })).toMatchObject({ stage: 'replied' });
    expect(requestStatusForPerson({ ...task, status: 'cancelled', statusReason: { text: 'sent twice' } })).toEqual({ stage: 'closed', whatNext: 'This request is closed: sent twice. If you still need help, send a new request.' });
  });

  it('the "request received" message for messaging', () => {
    const patient = { resourceType: 'Patient', id: 'alice', meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00Z' }, name: [{ given: ['Alice'], family: 'Able' }] };
    expect(requestReceivedMessage(task, patient, 'North Street Surgery')).toEqual({
      recipient: { reference: 'Patient/alice' },
      template: 'request-received',
      personalisation: { name: 'Alice Able', service: 'North Street Surgery', request_id: '0A1B2C3D', reply_by: '6:30pm on Friday 6 March' },
      about: [{ reference: 'Task/0a1b2c3d-4e5f-6789-abcd-ef0123456789' }],
      sender: { reference: 'Organization/gp-north' },
      reference: 'request-received:0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    });
  });
});
