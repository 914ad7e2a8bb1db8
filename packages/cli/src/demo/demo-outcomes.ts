/**
 * What came of a closed request in the demo's history (decision 0013's outcomes): an appointment
 * booked (with its messages), a reply, a sign-post (and for some a volunteer's task), a referral to
 * the hospital, mental health or social care, or a close with a reason; and the council's open
 * social care episodes for a few people. What each makes is what lets the hospital, mental health,
 * social care and volunteer demo accounts see someone.
 *
 * Builds resources; writes nothing.
 */
import type { Resource } from '@kindred/fhir';
import { demoRandom, type DemoRandom } from './demo-random.ts';
import { ORGANISATIONS, PRACTICE_STAFF, STAFF, roleId, staffName, type PracticeKey } from './demo-organisations.ts';
import type { DemoPerson } from './demo-people.ts';
import type { SlotBook } from './demo-schedules.ts';
import { bookAppointment, message } from './demo-appointments.ts';
import { instant, londonMs } from './demo-time.ts';
import { RequestOutcome, SYSTEM } from './demo-vocabulary.ts';

export const COMMUNITY_SUPPORT = 'community-support';
const HOUR_MS = 3_600_000;

export interface HistoryContext {
  seed: number;
  today: number;
  nowMs: number;
  /** the chance this person has a request open in today's inbox */
  openChance: number;
  slots: SlotBook;
  /** the request form the answers are nested by */
  form: Resource;
}

const coding = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

const CLOSE_REASONS = ['Dealt with at another appointment', 'Duplicate of another request', 'The person asked us to cancel the request', 'Sent to Pharmacy First at the local pharmacy'];
const SIGN_POSTS = [
  { text: 'Pharmacy First at the local pharmacy', volunteer: undefined },
  { text: 'NHS Talking Therapies: self-referral', volunteer: undefined },
  { text: 'Northgate Good Neighbours: shopping, lifts and befriending', volunteer: STAFF.goodNeighboursVolunteer },
  { text: 'Northgate Carers Centre: support for carers', volunteer: STAFF.carersCentreVolunteer },
] as const;
const SUPPORT_TASKS = ['Help with shopping once a week', 'A lift to a hospital appointment', 'A weekly befriending phone call', 'Collect a prescription'];

export interface Triage {
  outcome: RequestOutcome;
  /** the triage note */
  text: string;
  /** Task.output's value: the Appointment booked or the organisation referred to, else words */
  value: { valueReference: { reference: string; display?: string } } | { valueString: string };
  resources: Resource[];
}

/** What the practice did with a closed request, and what that made. */
export function decide(
  rid: string,
  person: DemoPerson,
  practice: PracticeKey,
  category: 'admin' | 'medical',
  urgent: boolean,
  day: number,
  triagedMs: number,
  what: string,
  context: HistoryContext,
  random: DemoRandom,
): Triage {
  const outcome =
    category === 'admin'
      ? random.weighted([[RequestOutcome.reply, 6], [RequestOutcome.book, 0.5], [RequestOutcome.signPost, 1.5], [RequestOutcome.close, 2]])
      : urgent
        ? random.weighted([[RequestOutcome.book, 8], [RequestOutcome.refer, 2]])
        : random.weighted([[RequestOutcome.book, 5.5], [RequestOutcome.reply, 1.5], [RequestOutcome.signPost, 1], [RequestOutcome.refer, 1], [RequestOutcome.close, 1]]);
  const patient = `Patient/${person.id}`;
  const reply = (text: string): Triage => ({
    outcome: RequestOutcome.reply,
    text: `Replied: ${text}`,
    value: { valueString: text },
    resources: [message(`${rid}-reply`, person, practice, 'reply', triagedMs, text, [`Task/${rid}-task`])],
  });
  switch (outcome) {
    case RequestOutcome.book: {
      const booking = bookAppointment({ id: `${rid}-appointment`, person, practice, requestDay: day, bookedMs: triagedMs, urgent, nowMs: context.nowMs, reason: what }, context.slots, random);
      if (booking === undefined) return reply('We could not find a free appointment: we will phone you to arrange one.');
      const note = { booked: 'Booked an appointment', fulfilled: 'Booked an appointment; seen', noshow: 'Booked an appointment; did not attend', cancelled: 'Booked an appointment; it was cancelled' }[booking.status];
      return { outcome, text: note, value: { valueReference: { reference: `Appointment/${booking.appointment.id as string}` } }, resources: [booking.appointment, ...booking.resources] };
    }
    case RequestOutcome.reply:
      return reply(category === 'admin' ? 'Your request is done: you can collect it from reception or see it in the app.' : 'The GP has looked at this: keep taking the medicine and get in touch if it is not better in a week.');
    case RequestOutcome.signPost: {
      const to = random.pick(SIGN_POSTS);
      const resources: Resource[] = [];
      if (to.volunteer !== undefined && random.chance(0.6)) {
        const recent = triagedMs > context.nowMs - 30 * 24 * HOUR_MS;
        const coordinator = STAFF.careCoordinator;
        resources.push({
          resourceType: 'Task',
          id: `${rid}-support`,
          status: recent ? random.pick(['requested', 'accepted', 'in-progress']) : 'completed',
          intent: 'order',
          code: coding(SYSTEM.taskCode, COMMUNITY_SUPPORT, 'Community support'),
          description: random.pick(SUPPORT_TASKS),
          for: { reference: patient, display: person.name },
          authoredOn: instant(triagedMs),
          requester: { reference: `PractitionerRole/${roleId(coordinator)}`, display: staffName(coordinator) },
          owner: { reference: `PractitionerRole/${roleId(to.volunteer)}`, display: staffName(to.volunteer) },
        });
      }
      return { outcome, text: `Sign-posted to ${to.text}`, value: { valueString: to.text }, resources };
    }
    case RequestOutcome.refer: {
      const to = person.age < 18 || random.chance(0.55) ? ORGANISATIONS.hospital : random.chance(0.6) ? ORGANISATIONS.mentalHealth : ORGANISATIONS.council;
      const gp = PRACTICE_STAFF[practice].gp;
      const active = triagedMs > context.nowMs - 60 * 24 * HOUR_MS;
      return {
        outcome,
        text: `Referred to ${to.name}`,
        value: { valueReference: { reference: `Organization/${to.id}`, display: to.name } },
        resources: [
          {
            resourceType: 'ServiceRequest',
            id: `${rid}-referral`,
            status: active ? 'active' : 'completed',
            intent: 'order',
            priority: urgent ? 'urgent' : 'routine',
            code: { text: `Referral to ${to.name}` },
            subject: { reference: patient, display: person.name },
            authoredOn: instant(triagedMs),
            requester: { reference: `PractitionerRole/${roleId(gp)}`, display: staffName(gp) },
            performer: [{ reference: `Organization/${to.id}`, display: to.name }],
            reasonCode: [{ text: what }],
          },
        ],
      };
    }
    case RequestOutcome.close: {
      const reason = random.pick(CLOSE_REASONS);
      return { outcome, text: `Closed: ${reason}`, value: { valueString: reason }, resources: [] };
    }
  }
}

/** An open social care episode for a few people who need care at home (the council's caseload). */
export function socialCare(person: DemoPerson, context: HistoryContext): Resource[] {
  const random = demoRandom('social-care', context.seed, person.index);
  const chance = person.child ? 0 : person.age >= 80 ? 0.15 : person.age >= 65 ? 0.04 : 0.01;
  if (!random.chance(chance)) return [];
  const start = instant(londonMs(context.today - random.int(30, 700), 10 * 60)).slice(0, 10);
  return [
    {
      resourceType: 'EpisodeOfCare',
      id: `${person.id}-social-care`,
      status: 'active',
      type: [{ text: 'Adult social care: care and support at home' }],
      patient: { reference: `Patient/${person.id}`, display: person.name },
      managingOrganization: { reference: `Organization/${ORGANISATIONS.council.id}`, display: ORGANISATIONS.council.name },
      period: { start },
      careManager: { reference: `Practitioner/${STAFF.socialWorker.id}`, display: staffName(STAFF.socialWorker) },
    },
  ];
}
