/**
 * Test support for triage (used only by *.test.ts): online requests as decision 0013 maps them,
 * Tasks with code online-request and their QuestionnaireResponses, for the access fixture's area.
 */
import { NHS_NUMBER_SYSTEM, type Resource } from '@kindred/fhir';
import { AREA } from '@kindred/access/testing';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds } from '../access-needs/index.ts';
import {
  ONLINE_REQUEST_CODE,
  REQUEST_CATEGORY_EXTENSION,
  REQUEST_CATEGORY_SYSTEM,
  REQUEST_ROUTE_EXTENSION,
  SUBMITTED_BY_EXTENSION,
  SUBMITTED_FOR_REASON_EXTENSION,
  TASK_CODE_SYSTEM,
  URGENT_ANSWER_EXTENSION,
} from './triage-vocabulary.ts';

export const NOW = Date.parse('2030-03-10T12:00:00Z');
const FORM_URL = 'https://kindred.health/fhir/Questionnaire/online-request';

export interface RequestSpec {
  id: string;
  patient: string;
  organisation?: string;
  owner?: string;
  priority?: 'routine' | 'urgent';
  category?: 'admin' | 'medical';
  route?: string;
  authoredOn: string;
  respondBy: string;
  submittedBy?: string;
  answers?: Record<string, unknown>[];
}

export function onlineRequest(spec: RequestSpec): Resource[] {
  const response: Resource = {
    resourceType: 'QuestionnaireResponse',
    id: `${spec.id}-answers`,
    questionnaire: `${FORM_URL}|1`,
    status: 'completed',
    subject: { reference: `Patient/${spec.patient}` },
    item: spec.answers ?? [{ linkId: 'problem', text: 'What is the problem?', answer: [{ valueString: 'A rash' }] }],
  };
  const task: Resource = {
    resourceType: 'Task',
    id: spec.id,
    status: 'requested',
    intent: 'order',
    priority: spec.priority ?? 'routine',
    // the category is also the Task's second code, so the inbox can search by it
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: ONLINE_REQUEST_CODE }, { system: REQUEST_CATEGORY_SYSTEM, code: spec.category ?? 'medical' }] },
    for: { reference: `Patient/${spec.patient}` },
    focus: { reference: `QuestionnaireResponse/${spec.id}-answers` },
    owner: { reference: spec.owner ?? `Organization/${spec.organisation ?? 'gp-north'}` },
    authoredOn: spec.authoredOn,
    restriction: { period: { end: spec.respondBy } },
    businessStatus: { text: 'Received' },
    extension: [
      { url: REQUEST_ROUTE_EXTENSION, valueCode: spec.route ?? 'online-self' },
      { url: SUBMITTED_BY_EXTENSION, valueReference: { reference: spec.submittedBy ?? `Patient/${spec.patient}` } },
      ...(spec.submittedBy !== undefined ? [{ url: SUBMITTED_FOR_REASON_EXTENSION, valueString: 'no internet' }] : []),
      { url: REQUEST_CATEGORY_EXTENSION, valueCode: spec.category ?? 'medical' },
    ],
  };
  return [response, task];
}

/** The request form, with one question whose "yes" makes a request urgent. */
export const FORM: Resource = {
  resourceType: 'Questionnaire',
  id: 'online-request-1',
  url: FORM_URL,
  version: '1',
  status: 'active',
  item: [
    { linkId: 'problem', text: 'What is the problem?', type: 'text' },
    { linkId: 'breathless', text: 'Are you more breathless than usual?', type: 'boolean', extension: [{ url: URGENT_ANSWER_EXTENSION, valueBoolean: true }] },
  ],
};

/** The area, with alice's needs and NHS number, and four requests: three to the north practice, one to the south. */
export const TRIAGE_AREA: readonly Resource[] = [
  ...AREA.map((r) =>
    r.resourceType === 'Patient' && r.id === 'alice'
      ? withAccessNeeds({ ...r, identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9434765919' }] }, { ...DEFAULT_ACCESS_NEEDS, language: 'pl', interpreterRequired: true, carerHelps: 'RelatedPerson/ruth' })
      : r,
  ),
  FORM,
  // dave's admin request is the oldest and overdue
  ...onlineRequest({ id: 'req-dave-admin', patient: 'dave', category: 'admin', authoredOn: '2030-03-05T09:00:00Z', respondBy: '2030-03-07T17:00:00Z' }),
  // alice's is urgent (an urgent answer), newer and not yet due, filled in by her carer
  ...onlineRequest({
    id: 'req-alice-urgent',
    patient: 'alice',
    priority: 'urgent',
    route: 'online-assisted',
    submittedBy: 'RelatedPerson/ruth',
    authoredOn: '2030-03-10T08:00:00Z',
    respondBy: '2030-03-10T18:00:00Z',
    answers: [
      { linkId: 'problem', text: 'What is the problem?', answer: [{ valueString: 'Chest feels tight' }] },
      { linkId: 'breathless', text: 'Are you more breathless than usual?', answer: [{ valueBoolean: true }] },
    ],
  }),
  // dave's medical request is not due yet
  ...onlineRequest({ id: 'req-dave-medical', patient: 'dave', authoredOn: '2030-03-09T10:00:00Z', respondBy: '2030-03-11T17:00:00Z', route: 'phone' }),
  // carol's goes to the south practice
  ...onlineRequest({ id: 'req-carol', patient: 'carol', organisation: 'gp-south', authoredOn: '2030-03-01T09:00:00Z', respondBy: '2030-03-02T17:00:00Z' }),
];
