/**
 * Six months of a demo person's history with their practice, and their part of today's inbox:
 * online requests as a QuestionnaireResponse and a Task (decision 0013), by route (online self,
 * online assisted, phone, in person) with who submitted and why; red-flag exits; triage outcomes
 * (book, reply, sign-post, refer, close with a reason; demo-outcomes.ts makes what each leads to).
 *
 * People without internet, older people and people in more deprived areas phone or come in more,
 * so the equity view has something to show. Builds resources; writes nothing.
 */
import { REQUEST_CATEGORY_SYSTEM, responseItems, type AnswerValue } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import { demoRandom, type DemoRandom } from './demo-random.ts';
import { CAPACITY, ORGANISATIONS, PRACTICE_STAFF, STAFF, roleId, staffName, type DemoStaff, type PracticeKey } from './demo-organisations.ts';
import { decide, type HistoryContext, type Triage } from './demo-outcomes.ts';
import type { DemoPerson } from './demo-people.ts';
import { ADMIN_TYPES, HOW_LONG, REQUEST_FORM_CANONICAL, RED_FLAGS, WOULD_LIKE } from './demo-request-form.ts';
import { instant, isWorkingDay, londonMs } from './demo-time.ts';
import { EXT, RequestRoute, SYSTEM, type RequestOutcome } from './demo-vocabulary.ts';

export type { HistoryContext };
export const ONLINE_REQUEST = 'online-request';
const HOUR_MS = 3_600_000;
const HISTORY_DAYS = 182;

const MEDICAL_NEEDS = [
  'A cough that has lasted three weeks',
  'Pain in my knee when I walk',
  'Feeling low and not sleeping',
  'A rash on my arm that is spreading',
  'Headaches most mornings',
  'Blood pressure review',
  'Ear pain and a temperature',
  'Back pain after lifting',
  'Tired all the time',
  'Review of my asthma',
  'Dizzy spells',
  'A lump I would like checked',
  'My child has had a temperature for two days',
  'Stomach pain after eating',
  'Worried about my memory',
];
const ADMIN_NEEDS = ['A fit note for work', 'My blood test results', 'A letter for my housing application', 'A repeat prescription that has not arrived', 'Change my address', 'A copy of my vaccination record', 'A form for my blue badge'];

/** A day `n` working days after `day`. */
function addWorkingDays(day: number, n: number): number {
  let d = day;
  for (let left = n; left > 0; ) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** Number of events with mean `mean` (Knuth's method; means here are small). */
function poisson(random: DemoRandom, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}

function chooseRoute(person: DemoPerson, random: DemoRandom): RequestRoute {
  const deprived = person.decile !== undefined && person.decile <= 2;
  const language = person.interpreter !== undefined || person.bsl;
  if (person.child) {
    return random.weighted([
      [RequestRoute.onlineAssisted, person.carer ? 6 : 0],
      [RequestRoute.onlineSelf, person.carer ? 0 : 3],
      [RequestRoute.phone, 3],
      [RequestRoute.inPerson, 1],
    ]);
  }
  const self = person.noInternet ? 0 : (person.age >= 75 ? 2 : person.age >= 65 ? 4 : 6) * (deprived ? 0.6 : 1) * (language ? 0.4 : 1) * (person.easyRead ? 0.5 : 1);
  return random.weighted([
    [RequestRoute.onlineSelf, self],
    [RequestRoute.onlineAssisted, person.carer ? 2.5 : 0.4],
    [RequestRoute.phone, 2 + (person.noInternet ? 3 : 0) + (person.age >= 75 ? 1.5 : 0) + (deprived ? 1 : 0) + (language ? 1.5 : 0)],
    [RequestRoute.inPerson, 0.6 + (person.noInternet ? 1.5 : 0) + (language ? 1 : 0)],
  ]);
}

interface Submitter {
  reference: string;
  display: string;
  reason?: string;
}

function submitterOf(route: RequestRoute, person: DemoPerson, practice: PracticeKey, random: DemoRandom): Submitter {
  const receptionist = PRACTICE_STAFF[practice].receptionist;
  const asStaff = (s: DemoStaff, reason: string): Submitter => ({ reference: `Practitioner/${s.id}`, display: staffName(s), reason });
  switch (route) {
    case RequestRoute.onlineSelf:
      return { reference: `Patient/${person.id}`, display: person.name, ...(person.child ? { reason: 'parent without a linked record' } : {}) };
    case RequestRoute.onlineAssisted:
      if (person.carer) return { reference: `RelatedPerson/${person.carer.id}`, display: person.carer.name, reason: person.carer.parent ? 'parent' : 'carer with consent' };
      return random.chance(0.5) ? asStaff(STAFF.goodNeighboursVolunteer, 'helped by a volunteer') : asStaff(receptionist, 'helped at the desk to use the online form');
    case RequestRoute.phone:
      return asStaff(receptionist, person.noInternet ? 'no internet' : person.interpreter ? `needs an interpreter (${person.interpreter.display})` : person.bsl ? 'uses BSL (video relay)' : 'phoned the practice');
    case RequestRoute.inPerson:
      return asStaff(receptionist, person.noInternet ? 'no internet; came to the desk' : 'came to the desk');
  }
}

const coding = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

function questionnaireResponse(
  id: string,
  person: DemoPerson,
  submitter: Submitter,
  authoredMs: number,
  category: 'admin' | 'medical',
  what: string,
  seed: number,
  random: DemoRandom,
  form: Resource,
  redFlag?: { linkId: string; advice: string },
): Resource {
  // The answers as the form would take them, nested by the requests capability as a real submission is.
  const flags: readonly { linkId: string }[] = person.child ? RED_FLAGS.child : RED_FLAGS.adult;
  const values = new Map<string, AnswerValue>([
    ['is-child', person.child],
    ['category', category],
    ...(category === 'medical' ? flags.map((f): [string, AnswerValue] => [f.linkId, f.linkId === redFlag?.linkId]) : []),
  ]);
  if (!redFlag && category === 'medical') {
    values.set('problem', what).set('how-long', random.pick(HOW_LONG)).set('getting-worse', random.chance(0.08)).set('would-like', random.pick(WOULD_LIKE));
  } else if (!redFlag) {
    values.set('admin-type', random.pick(ADMIN_TYPES)).set('admin-need', what);
  }
  return {
    resourceType: 'QuestionnaireResponse',
    id,
    identifier: { system: SYSTEM.submissionToken, value: submissionToken(seed, id) },
    questionnaire: REQUEST_FORM_CANONICAL,
    status: redFlag ? 'stopped' : 'completed',
    subject: { reference: `Patient/${person.id}`, display: person.name },
    authored: instant(authoredMs),
    author: { reference: submitter.reference, display: submitter.display },
    source: { reference: `Patient/${person.id}` },
    ...(redFlag ? { extension: [{ url: EXT.redFlag, valueString: redFlag.advice }] } : {}),
    item: responseItems(form, values),
  };
}

const submissionToken = (seed: number, id: string): string => `demo-${seed}-${id}`;

const OUTCOME_WORDS: Record<RequestOutcome, string> = { book: 'Book', reply: 'Reply', 'sign-post': 'Sign-post', refer: 'Refer', close: 'Close' };
/** What the person sees of each outcome (Task.businessStatus), and the request's stage. */
const SEEN_BY_PERSON: Record<RequestOutcome, { stage: string; text: string }> = {
  book: { stage: 'booked', text: 'Appointment booked' },
  reply: { stage: 'replied', text: 'We have replied' },
  'sign-post': { stage: 'closed', text: 'We have suggested another service' },
  refer: { stage: 'closed', text: 'Referred to another service' },
  close: { stage: 'closed', text: 'Closed' },
};
const stage = (code: string, text: string) => ({ coding: [{ system: SYSTEM.requestStage, code }], text });

export interface PersonHistory {
  resources: Resource[];
  openRequests: number;
}

/** Requests over the last six months (closed), maybe one open in today's inbox, and a few red-flag exits. */
export function makeHistory(person: DemoPerson, context: HistoryContext): PersonHistory {
  const random = demoRandom('history', context.seed, person.index);
  const practice = person.practice;
  const org = ORGANISATIONS[practice];
  const staff = PRACTICE_STAFF[practice];
  const resources: Resource[] = [];
  const mean = person.child ? 0.7 : person.age >= 80 ? 2.2 : person.age >= 65 ? 1.6 : 0.9;
  const closed = poisson(random, mean);
  const open = random.chance(context.openChance) ? 1 : 0;
  let openRequests = 0;

  for (let k = 0; k < closed + open; k++) {
    const isOpen = k >= closed;
    const rid = `${person.id}-r${k + 1}`;
    const day = isOpen ? context.today - random.int(0, 5) : context.today - random.int(3, HISTORY_DAYS);
    const authoredMs = Math.min(londonMs(day, random.int(7 * 60, 21 * 60)), context.nowMs - random.int(1, 120) * 60_000);
    const route = chooseRoute(person, random);
    const submitter = submitterOf(route, person, practice, random);
    const category = random.chance(person.child ? 0.1 : 0.3) ? 'admin' : 'medical';
    const what = category === 'admin' ? random.pick(ADMIN_NEEDS) : random.pick(MEDICAL_NEEDS);
    const online = route === RequestRoute.onlineSelf || route === RequestRoute.onlineAssisted;

    // A red-flag exit: the form stopped and said what to do now; no request is made.
    if (!isOpen && online && category === 'medical' && random.chance(0.02)) {
      const flags: readonly { linkId: string; advice: string }[] = person.child ? RED_FLAGS.child : RED_FLAGS.adult;
      const flag = random.pick(flags);
      resources.push(questionnaireResponse(rid, person, submitter, authoredMs, category, what, context.seed, random, context.form, { linkId: flag.linkId, advice: flag.advice }));
      continue;
    }

    const urgent = category === 'medical' && random.chance(0.1);
    const responseDays = CAPACITY[practice].responseDays;
    const respondByDay = urgent ? day : addWorkingDays(day, responseDays);
    const respondBy = londonMs(respondByDay, 18 * 60 + 30);
    const clinician = random.chance(0.6) ? staff.gp : staff.nurse;
    const clinicianRef = { reference: `PractitionerRole/${roleId(clinician)}`, display: staffName(clinician) };
    const triagedMs = Math.min(authoredMs + random.int(1, urgent ? 3 : 30) * HOUR_MS, context.nowMs - 60_000);
    const noteAuthor = { reference: `Practitioner/${clinician.id}`, display: staffName(clinician) };
    const notes: { text: string; time: string; authorReference: { reference: string; display: string } }[] = [];

    let triage: Triage | undefined;
    if (!isOpen) {
      triage = decide(rid, person, practice, category, urgent, day, triagedMs, what, context, random);
      notes.push({ text: triage.text, time: instant(triagedMs), authorReference: noteAuthor });
    } else {
      openRequests++;
    }
    const assigned = isOpen ? random.chance(0.45) : true;
    if (isOpen && assigned) notes.push({ text: random.pick(['Needs a clinician to look at this today', 'Call the person to ask a few more questions', 'Check the last blood test results first']), time: instant(triagedMs), authorReference: noteAuthor });

    resources.push(questionnaireResponse(rid, person, submitter, authoredMs, category, what, context.seed, random, context.form));
    resources.push({
      resourceType: 'Task',
      id: `${rid}-task`,
      identifier: [{ system: SYSTEM.submissionToken, value: submissionToken(context.seed, rid) }],
      status: isOpen ? (assigned ? 'in-progress' : 'requested') : 'completed',
      businessStatus: triage ? stage(SEEN_BY_PERSON[triage.outcome].stage, SEEN_BY_PERSON[triage.outcome].text) : assigned ? stage('triaged', 'Being looked at') : stage('received', 'Received'),
      intent: 'order',
      priority: urgent ? 'urgent' : 'routine',
      code: { coding: [...coding(SYSTEM.taskCode, ONLINE_REQUEST, 'Online request').coding, { system: REQUEST_CATEGORY_SYSTEM, code: category }] },
      description: what,
      focus: { reference: `QuestionnaireResponse/${rid}` },
      for: { reference: `Patient/${person.id}`, display: person.name },
      authoredOn: instant(authoredMs),
      lastModified: instant(isOpen && !assigned ? authoredMs : triagedMs),
      requester: { reference: submitter.reference, display: submitter.display },
      owner: assigned ? clinicianRef : { reference: `Organization/${org.id}`, display: org.name },
      restriction: { period: { end: instant(respondBy) } },
      ...(notes.length > 0 ? { note: notes } : {}),
      ...(triage
        ? {
            output: [{ type: { ...coding(SYSTEM.triageOutcome, triage.outcome, OUTCOME_WORDS[triage.outcome]), text: OUTCOME_WORDS[triage.outcome] }, ...triage.value }],
            // when the outcome was recorded, as triage records it (the first response to the person)
            executionPeriod: { end: instant(triagedMs) },
          }
        : {}),
      extension: [
        { url: EXT.requestRoute, valueCode: route },
        { url: EXT.submittedBy, valueReference: { reference: submitter.reference, display: submitter.display } },
        ...(submitter.reason ? [{ url: EXT.submittedForReason, valueString: submitter.reason }] : []),
        { url: EXT.requestCategory, valueCode: category },
      ],
    });
    if (triage) resources.push(...triage.resources);
  }
  return { resources, openRequests };
}
