/** The honest estimate (decision 0015), walked queue by queue. */
import { describe, expect, it } from 'vitest';
import { waitingEstimate } from './waiting-estimate.ts';

const T = Date.parse('2030-03-04T14:00:00Z');
const min = (n: number) => T + n * 60_000;

describe('waitingEstimate', () => {
  it('says nothing about minutes before the clinician has started', () => {
    expect(waitingEstimate({ now: min(-10), opened: false, lateMinutes: 0, ahead: [], start: min(0) })).toEqual({ kind: 'not-started', minutes: null });
  });
  it('is the time until the appointment when nobody is ahead', () => {
    expect(waitingEstimate({ now: min(-10), opened: true, lateMinutes: 0, ahead: [], start: min(0) })).toEqual({ kind: 'estimate', minutes: 10 });
    expect(waitingEstimate({ now: min(5), opened: true, lateMinutes: 0, ahead: [], start: min(0) }).minutes).toBe(0);
  });
  it('adds the lateness the clinician gave', () => {
    expect(waitingEstimate({ now: min(-10), opened: true, lateMinutes: 15, ahead: [], start: min(0) }).minutes).toBe(25);
  });
  it('people ahead booked earlier count only as far as they run past this appointment', () => {
    // one ahead at 13:45 for 15 minutes, running 10 late: seen 13:55–14:10, so this person at 14:10
    expect(waitingEstimate({ now: min(-20), opened: true, lateMinutes: 10, ahead: [{ start: min(-15), minutesDuration: 15 }], start: min(0) }).minutes).toBe(30);
    // not late: the one ahead ends at 14:00 exactly
    expect(waitingEstimate({ now: min(-20), opened: true, lateMinutes: 0, ahead: [{ start: min(-15), minutesDuration: 15 }], start: min(0) }).minutes).toBe(20);
  });
  it('the person in the call now counts from when they were admitted', () => {
    expect(waitingEstimate({ now: min(2), opened: true, lateMinutes: 0, ahead: [{ start: min(-15), minutesDuration: 15, inCallSince: min(-3) }], start: min(0) }).minutes).toBe(10);
  });
  it('a queue of several adds up their booked minutes', () => {
    const ahead = [
      { start: min(-20), minutesDuration: 10, inCallSince: min(-5) },
      { start: min(-10), minutesDuration: 10 },
      { start: min(-5), minutesDuration: 15 },
    ];
    // free at 14:05, then 14:15, then 14:30
    expect(waitingEstimate({ now: min(0), opened: true, lateMinutes: 0, ahead, start: min(0) }).minutes).toBe(30);
  });
  it('never negative, whole minutes rounded up', () => {
    expect(waitingEstimate({ now: min(0) + 30_000, opened: true, lateMinutes: 0, ahead: [], start: min(1) }).minutes).toBe(1);
  });
});
