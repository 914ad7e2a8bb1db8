/**
 * The practices' diaries: a Schedule per modality (video, phone, face to face, home visit), a
 * nurse's face-to-face clinic and a call-back list, each with Slots in working hours (Europe/London)
 * (http://hl7.org/fhir/R4/schedule.html, slot.html; decision 0013: the modality in serviceType).
 *
 * A slot book hands out times to the history and the open inbox as they are made, so no two
 * appointments share a slot; at the end it gives the Slots to write: every booked one, and the free
 * ones from now to three weeks ahead. Past free slots are not written (nobody can book them).
 */
import type { Resource } from '@kindred/fhir';
import type { DemoRandom } from './demo-random.ts';
import { PRACTICE_KEYS, PRACTICE_STAFF, PRACTICES, roleId, staffName, type PracticeKey } from './demo-organisations.ts';
import { isWorkingDay, londonInstant, londonMs } from './demo-time.ts';
import { Modality, SYSTEM } from './demo-vocabulary.ts';

/** The call-back list (a phone call back when the practice is full) has serviceType phone and call-back. */
export const CALL_BACK = 'call-back';

export const DiaryKind = { video: 'video', phone: 'phone', faceToFace: 'face-to-face', homeVisit: 'home-visit', nurse: 'nurse', callBack: 'call-back' } as const;
export type DiaryKind = (typeof DiaryKind)[keyof typeof DiaryKind];

interface Diary {
  kind: DiaryKind;
  modality: Modality;
  who: 'gp' | 'nurse';
  /** start minutes after local midnight */
  starts: readonly number[];
  minutes: number;
  comment: string;
}

const every = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let m = from; m + step <= to; m += step) out.push(m);
  return out;
};
const hm = (h: number, m = 0): number => h * 60 + m;

const DIARIES: readonly Diary[] = [
  { kind: DiaryKind.video, modality: Modality.video, who: 'gp', starts: every(hm(9), hm(11), 15), minutes: 15, comment: 'GP video appointments' },
  { kind: DiaryKind.phone, modality: Modality.phone, who: 'gp', starts: every(hm(14), hm(16), 10), minutes: 10, comment: 'GP phone appointments' },
  { kind: DiaryKind.faceToFace, modality: Modality.faceToFace, who: 'gp', starts: [...every(hm(9), hm(12), 15), ...every(hm(15), hm(17, 30), 15)], minutes: 15, comment: 'GP appointments at the surgery' },
  { kind: DiaryKind.homeVisit, modality: Modality.homeVisit, who: 'gp', starts: [hm(13), hm(13, 45)], minutes: 40, comment: 'GP home visits' },
  { kind: DiaryKind.nurse, modality: Modality.faceToFace, who: 'nurse', starts: every(hm(8, 30), hm(12, 30), 20), minutes: 20, comment: 'Practice nurse clinic' },
  { kind: DiaryKind.callBack, modality: Modality.phone, who: 'nurse', starts: every(hm(10), hm(18), 30), minutes: 15, comment: 'Call-backs for requests made when the online form was full' },
];

export const scheduleId = (practice: PracticeKey, kind: DiaryKind): string => `${PRACTICES[practice].id}-${kind}`;

export interface BookedSlot {
  slotId: string;
  scheduleId: string;
  start: string;
  end: string;
  startMs: number;
  /** the PractitionerRole who sees the person */
  performer: { reference: string; display: string };
  modality: Modality;
}

export interface SlotBook {
  /** the first free slot of that diary on `fromDay` or up to a week after, at a random time of day; undefined when all are taken */
  book(practice: PracticeKey, kind: DiaryKind, fromDay: number, random: DemoRandom, notBeforeMs?: number): BookedSlot | undefined;
  /** the Schedules of both practices */
  schedules(): Resource[];
  /** every booked slot, and the free ones from `nowMs` to the end of the horizon */
  slots(): Resource[];
}

const serviceType = (d: Diary) => [
  { coding: [{ system: SYSTEM.modality, code: d.modality }] },
  ...(d.kind === DiaryKind.callBack ? [{ coding: [{ system: SYSTEM.schedulePurpose, code: CALL_BACK, display: 'Call-back' }] }] : []),
];

/** Slots exist from `firstDay` to `lastDay` (UTC day numbers, both included). */
export function createSlotBook(firstDay: number, lastDay: number, nowMs: number): SlotBook {
  const taken = new Map<string, BookedSlot>();
  const diary = (kind: DiaryKind): Diary => DIARIES.find((d) => d.kind === kind)!;
  const performerOf = (practice: PracticeKey, d: Diary) => {
    const s = PRACTICE_STAFF[practice][d.who];
    return { reference: `PractitionerRole/${roleId(s)}`, display: staffName(s) };
  };
  const slotOf = (practice: PracticeKey, d: Diary, day: number, start: number): BookedSlot => {
    const sched = scheduleId(practice, d.kind);
    const date = londonInstant(day, start).slice(0, 10).replaceAll('-', '');
    return {
      slotId: `${sched}-${date}-${String(start).padStart(4, '0')}`,
      scheduleId: sched,
      start: londonInstant(day, start),
      end: londonInstant(day, start + d.minutes),
      startMs: londonMs(day, start),
      performer: performerOf(practice, d),
      modality: d.modality,
    };
  };
  const slotResource = (practice: PracticeKey, d: Diary, s: BookedSlot, busy: boolean): Resource => ({
    resourceType: 'Slot',
    id: s.slotId,
    schedule: { reference: `Schedule/${s.scheduleId}` },
    serviceType: serviceType(d),
    status: busy ? 'busy' : 'free',
    start: s.start,
    end: s.end,
  });

  return {
    book(practice, kind, fromDay, random, notBeforeMs = 0) {
      const d = diary(kind);
      for (let day = Math.max(fromDay, firstDay); day <= Math.min(fromDay + 7, lastDay); day++) {
        if (!isWorkingDay(day)) continue;
        const offset = random.int(0, d.starts.length - 1);
        for (let i = 0; i < d.starts.length; i++) {
          const start = d.starts[(offset + i) % d.starts.length]!;
          const slot = slotOf(practice, d, day, start);
          if (slot.startMs < notBeforeMs || taken.has(slot.slotId)) continue;
          taken.set(slot.slotId, slot);
          return slot;
        }
      }
      return undefined;
    },
    schedules() {
      return PRACTICE_KEYS.flatMap((practice) =>
        DIARIES.map((d): Resource => ({
          resourceType: 'Schedule',
          id: scheduleId(practice, d.kind),
          active: true,
          serviceType: serviceType(d),
          actor: [performerOf(practice, d)],
          planningHorizon: { start: londonInstant(firstDay, 0), end: londonInstant(lastDay, hm(23, 59)) },
          comment: d.comment,
        })),
      );
    },
    slots() {
      const out: Resource[] = [];
      for (const practice of PRACTICE_KEYS) {
        for (const d of DIARIES) {
          for (let day = firstDay; day <= lastDay; day++) {
            if (!isWorkingDay(day)) continue;
            for (const start of d.starts) {
              const slot = slotOf(practice, d, day, start);
              const booked = taken.get(slot.slotId);
              if (booked !== undefined) out.push(slotResource(practice, d, booked, true));
              else if (slot.startMs > nowMs) out.push(slotResource(practice, d, slot, false));
            }
          }
        }
      }
      return out;
    },
  };
}
