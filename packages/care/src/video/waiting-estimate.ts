/**
 * The honest estimate a waiting person is shown (decision 0015, "The honest estimate"): never a
 * countdown, never a guess when Kindred cannot know.
 *
 * The decision adds the booked minutes of everyone ahead to the time until the appointment; that
 * double counts whenever the people ahead are booked before this person (they usually are). So the
 * queue is walked instead: the clinician sees each person ahead no earlier than their booked time
 * plus the lateness the clinician gave, for their booked minutes (a person already in the call from
 * when they were admitted), and this person no earlier than their own time plus the lateness.
 *
 * Pure.
 */

export interface QueuedAppointment {
  /** the booked start, epoch ms */
  start: number;
  minutesDuration: number;
  /** when they were admitted to the call (epoch ms), for the person being seen now */
  inCallSince?: number;
}

export interface EstimateInput {
  now: number;
  /** the clinician has opened the clinic (started seeing people) */
  opened: boolean;
  /** the lateness the clinician gave with their last message, in minutes */
  lateMinutes: number;
  /** the people ahead, in the order they will be seen */
  ahead: readonly QueuedAppointment[];
  /** this person's booked start, epoch ms */
  start: number;
}

export type WaitingEstimate =
  | { kind: 'not-started'; minutes: null }
  | { kind: 'estimate'; minutes: number };

const MINUTE = 60_000;

export function waitingEstimate(input: EstimateInput): WaitingEstimate {
  if (!input.opened) return { kind: 'not-started', minutes: null };
  const late = Math.max(0, input.lateMinutes) * MINUTE;
  let free = input.now;
  for (const person of input.ahead) {
    const begins = person.inCallSince ?? Math.max(free, person.start + late);
    free = Math.max(free, begins + Math.max(0, person.minutesDuration) * MINUTE);
  }
  const seen = Math.max(free, input.start + late);
  return { kind: 'estimate', minutes: Math.max(0, Math.ceil((seen - input.now) / MINUTE)) };
}
