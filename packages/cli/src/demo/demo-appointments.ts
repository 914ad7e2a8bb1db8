/**
 * A booked appointment in the demo's history and the messages around it: the Appointment on a Slot
 * of the modality given, keeping the person's preference beside it (decision 0013), an interpreter
 * as a participant whenever the profile needs one, no-shows and cancellations for past ones, and
 * the confirmation and reminder as Communications (decision 0012), with the `reminder:` message
 * reference the reminder sweep looks for.
 *
 * Builds resources; writes nothing.
 */
import { COMMUNICATION_MEDIUM } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import type { DemoRandom } from './demo-random.ts';
import { ORGANISATIONS, type PracticeKey } from './demo-organisations.ts';
import type { DemoPerson } from './demo-people.ts';
import { DiaryKind, type BookedSlot, type SlotBook } from './demo-schedules.ts';
import { instant } from './demo-time.ts';
import { EXT, Modality, SYSTEM } from './demo-vocabulary.ts';

const HOUR_MS = 3_600_000;
const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });

const MEDIUM = COMMUNICATION_MEDIUM;

/** The channel a message to this person went by, the way the profile would choose it. */
function mediumFor(person: DemoPerson): (typeof MEDIUM)[keyof typeof MEDIUM] {
  if (person.interpreter !== undefined) return MEDIUM.phone;
  if (person.mobile !== undefined) return MEDIUM.sms;
  if (person.noInternet) return person.safeToContactAtHome ? MEDIUM.letter : MEDIUM.phone;
  return person.email !== undefined ? MEDIUM.email : MEDIUM.app;
}

const MODALITY_NAMES: Record<Modality, string> = { video: 'Video call', phone: 'Phone call', 'face-to-face': 'Face to face', 'home-visit': 'Home visit' };
const modalityCoding = (modality: Modality) => ({ system: SYSTEM.modality, code: modality, display: MODALITY_NAMES[modality] });

const MODALITY_WORDS: Record<Modality, string> = {
  video: 'a video call',
  phone: 'a phone call',
  'face-to-face': 'an appointment at the surgery',
  'home-visit': 'a home visit',
};

export function message(
  id: string,
  person: DemoPerson,
  practice: PracticeKey,
  template: string,
  sentMs: number,
  text: string,
  about: readonly string[],
  reference?: string,
): Resource {
  const medium = mediumFor(person);
  const org = ORGANISATIONS[practice];
  return {
    resourceType: 'Communication',
    id,
    status: 'completed',
    ...(reference !== undefined ? { identifier: [{ system: SYSTEM.messageReference, value: reference }] } : {}),
    subject: { reference: `Patient/${person.id}` },
    recipient: [{ reference: `Patient/${person.id}` }],
    sender: { reference: `Organization/${org.id}`, display: org.name },
    ...(about.length > 0 ? { about: about.map((reference) => ({ reference })) } : {}),
    medium: [{ coding: [{ system: SYSTEM.participationMode, code: medium.code, display: medium.display }], text: medium.text }],
    topic: { coding: [{ system: SYSTEM.messageTemplate, code: template }], text: template },
    sent: instant(sentMs),
    payload: [{ contentString: text }],
  };
}

/** The diary for a modality; face-to-face goes to the nurse's clinic for some. */
function diaryFor(modality: Modality, random: DemoRandom): DiaryKind {
  if (modality === Modality.faceToFace) return random.chance(0.35) ? DiaryKind.nurse : DiaryKind.faceToFace;
  return modality;
}

export interface BookingInput {
  id: string;
  person: DemoPerson;
  practice: PracticeKey;
  /** when the request was made and when staff booked it (epoch ms) */
  requestDay: number;
  bookedMs: number;
  urgent: boolean;
  nowMs: number;
  reason: string;
}

export interface Booking {
  appointment: Resource;
  resources: Resource[];
  slot: BookedSlot;
  status: 'booked' | 'fulfilled' | 'noshow' | 'cancelled';
}

/** Books the person into a slot near the request: their preferred modality mostly, else what was free. */
export function bookAppointment(input: BookingInput, slots: SlotBook, random: DemoRandom): Booking | undefined {
  const { person } = input;
  const preferred = person.preferredModality;
  const canHaveHomeVisit = person.age >= 75 || person.noInternet;
  const given =
    preferred === Modality.homeVisit && !canHaveHomeVisit
      ? Modality.faceToFace
      : random.chance(0.75)
        ? preferred
        : person.noInternet
          ? random.pick([Modality.phone, Modality.faceToFace])
          : random.pick([Modality.phone, Modality.video, Modality.faceToFace]);
  const fromDay = input.requestDay + (input.urgent ? 0 : random.int(1, 6));
  const slot = slots.book(input.practice, diaryFor(given, random), fromDay, random, input.bookedMs + HOUR_MS);
  if (slot === undefined) return undefined;
  const past = slot.startMs < input.nowMs;
  const draw = random.next();
  const noShowChance = 0.05 + (person.decile !== undefined && person.decile <= 2 ? 0.03 : 0);
  const status: Booking['status'] = past ? (draw < noShowChance ? 'noshow' : draw < noShowChance + 0.08 ? 'cancelled' : 'fulfilled') : draw < 0.05 ? 'cancelled' : 'booked';
  const cancelledByPatient = random.chance(0.7);
  const language = person.bsl ? 'British Sign Language' : person.interpreter?.display;
  const appointment: Resource = {
    resourceType: 'Appointment',
    id: input.id,
    status,
    ...(status === 'cancelled'
      ? {
          cancelationReason: {
            coding: [{ system: SYSTEM.appointmentCancellationReason, code: cancelledByPatient ? 'pat' : 'prov' }],
            text: cancelledByPatient ? random.pick(['The person is feeling better', 'The person cannot make this time', 'The person is away']) : 'The clinician is unwell',
          },
        }
      : {}),
    serviceType: [{ coding: [modalityCoding(slot.modality)] }],
    description: input.reason,
    start: slot.start,
    end: slot.end,
    slot: [{ reference: `Slot/${slot.slotId}` }],
    created: instant(input.bookedMs).slice(0, 10),
    participant: [
      { actor: { reference: `Patient/${person.id}`, display: person.name }, required: 'required', status: 'accepted' },
      { actor: { ...slot.performer }, required: 'required', status: 'accepted' },
      ...(language !== undefined
        ? [{ type: [{ coding: [{ system: SYSTEM.participationType, code: 'INTRP', display: 'interpreter' }] }], actor: { display: `${language} interpreter` }, required: 'required', status: 'accepted' }]
        : []),
    ],
    extension: [
      { url: EXT.preferredModality, valueCoding: modalityCoding(preferred) },
      { url: EXT.modalityGiven, valueCoding: modalityCoding(slot.modality) },
    ],
  };
  const appointmentRef = `Appointment/${input.id}`;
  const when = LONDON_TIME.format(new Date(slot.startMs));
  const resources: Resource[] = [
    message(`${input.id}-confirmation`, person, input.practice, 'appointment-confirmation', input.bookedMs, `Your appointment is booked: ${MODALITY_WORDS[slot.modality]} with ${slot.performer.display} on ${when}.`, [appointmentRef], `confirmation:${input.id}`),
  ];
  const reminderMs = slot.startMs - 24 * HOUR_MS;
  if (reminderMs > input.bookedMs && reminderMs < input.nowMs && status !== 'cancelled') {
    resources.push(
      message(`${input.id}-reminder`, person, input.practice, 'appointment-reminder', reminderMs, `Reminder: ${MODALITY_WORDS[slot.modality]} with ${slot.performer.display} on ${when}.`, [appointmentRef], `reminder:${input.id}`),
    );
  }
  return { appointment, resources, slot, status };
}
