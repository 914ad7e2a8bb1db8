/**
 * The online request form as a FHIR `Questionnaire` (http://hl7.org/fhir/R4/questionnaire.html),
 * decision 0013: admin or medical; for medical requests, red-flag questions for adults and for
 * children (chosen by `enableWhen` on the hidden `is-child` answer, which the service sets from the
 * person's age), each carrying the red-flag extension (what to do now: 999, 111 or A&E) and a
 * display item with the advice in plain English; then the questions triage needs.
 *
 * A practice edits the form as a resource, without code; the service reads the newest active
 * version by url. Who the request is for and who fills it in are not questions: the submission
 * carries them. Must not hold any workflow: answers are checked in request-answers.ts.
 */
import { FhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import {
  LinkId,
  MODALITY_SYSTEM,
  QUESTIONNAIRE_HIDDEN_EXTENSION,
  RED_FLAG_EXTENSION,
  REQUEST_CATEGORY_SYSTEM,
  REQUEST_QUESTIONNAIRE_URL,
  REQUEST_QUESTIONNAIRE_VERSION,
  RedFlagAdvice,
  URGENT_ANSWER_EXTENSION,
} from './request-vocabulary.ts';

/** A Questionnaire.item, as far as the request workflow reads it. */
export interface QuestionnaireItem {
  linkId: string;
  text?: string;
  type: string;
  required?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  enableWhen?: EnableWhen[];
  enableBehavior?: 'all' | 'any';
  answerOption?: { valueCoding?: { system?: string; code?: string; display?: string }; valueString?: string }[];
  extension?: { url: string; valueString?: string; valueBoolean?: boolean; valueCoding?: { code?: string }; [key: string]: unknown }[];
  item?: QuestionnaireItem[];
}

export interface EnableWhen {
  question: string;
  operator: string;
  answerBoolean?: boolean;
  answerCoding?: { system?: string; code?: string };
  answerString?: string;
}

const coding = (code: string, display: string) => ({ valueCoding: { system: REQUEST_CATEGORY_SYSTEM, code, display } });
const option = (code: string, display: string) => ({ valueCoding: { code, display } });
const whenChild = (isChild: boolean): EnableWhen => ({ question: LinkId.isChild, operator: '=', answerBoolean: isChild });
const whenCategory = (code: string): EnableWhen => ({ question: LinkId.category, operator: '=', answerCoding: { system: REQUEST_CATEGORY_SYSTEM, code } });

function redFlag(linkId: string, text: string, advice: RedFlagAdvice, whatToDo: string): QuestionnaireItem {
  return {
    linkId,
    text,
    type: 'boolean',
    required: true,
    extension: [{ url: RED_FLAG_EXTENSION, valueString: advice }],
    item: [{ linkId: `${linkId}-advice`, type: 'display', text: whatToDo, enableWhen: [{ question: linkId, operator: '=', answerBoolean: true }] }],
  };
}

const CALL_999 = 'Call 999 now. Do not wait for a reply to this form.';

/** The form Kindred starts with; a practice may change it (as a new version, or by editing the resource). */
export function defaultRequestQuestionnaire(): Resource {
  const items: QuestionnaireItem[] = [
    { linkId: LinkId.isChild, text: 'Is the request for a child (under 16)?', type: 'boolean', readOnly: true, extension: [{ url: QUESTIONNAIRE_HIDDEN_EXTENSION, valueBoolean: true }] },
    {
      linkId: LinkId.category,
      text: 'What is your request about?',
      type: 'choice',
      required: true,
      answerOption: [
        coding('medical', 'A health problem: something new, or something that is not getting better'),
        coding('admin', 'Something else: a fit note, test results, a question about a prescription, a letter or a form'),
      ],
    },
    {
      linkId: 'red-flags-adult',
      text: 'Do you have any of these now?',
      type: 'group',
      enableWhen: [whenChild(false), whenCategory('medical')],
      enableBehavior: 'all',
      item: [
        redFlag('chest-pain', 'Chest pain that spreads to your arms, back, neck or jaw, or chest pain with sweating or feeling breathless', RedFlagAdvice.call999, `${CALL_999} Chest pain like this can be a heart attack.`),
        redFlag('breathing', 'Severe difficulty breathing: you cannot get your words out, or you are choking or gasping', RedFlagAdvice.call999, CALL_999),
        redFlag('stroke', 'Signs of a stroke: your face has dropped on one side, you cannot lift both arms, or your speech is slurred', RedFlagAdvice.call999, `${CALL_999} Say that you think it is a stroke.`),
        redFlag(
          'ending-life',
          'Thoughts of ending your life, or you have hurt yourself and need help now',
          RedFlagAdvice.call999,
          'If your life is at risk now, call 999 or go to A&E. If you need help now but it is not an emergency, call 111 and choose the mental health option, or call Samaritans free on 116 123, day or night.',
        ),
        redFlag('heavy-bleeding', 'Heavy bleeding that will not stop', RedFlagAdvice.goToAE, 'Go to A&E now. If the bleeding is very heavy, or the person faints, call 999.'),
      ],
    },
    {
      linkId: 'red-flags-child',
      text: 'Does your child have any of these now?',
      type: 'group',
      enableWhen: [whenChild(true), whenCategory('medical')],
      enableBehavior: 'all',
      item: [
        redFlag('child-unresponsive', 'They are floppy or not responding, or their lips or tongue look blue or grey', RedFlagAdvice.call999, CALL_999),
        redFlag('child-breathing', 'They are struggling to breathe: grunting, sucking in under the ribs, or pauses in breathing', RedFlagAdvice.call999, CALL_999),
        redFlag('child-rash', 'A rash that does not fade when you press a glass against it', RedFlagAdvice.call999, `${CALL_999} A rash that does not fade under a glass can be a sign of sepsis or meningitis.`),
        redFlag(
          'baby-temperature',
          'A baby under 3 months old with a temperature of 38C or higher',
          RedFlagAdvice.call111,
          'Call 111 now: a baby under 3 months with a high temperature needs to be seen today. If they are floppy or not responding, call 999.',
        ),
      ],
    },
    {
      linkId: 'medical',
      text: 'About the health problem',
      type: 'group',
      enableWhen: [whenCategory('medical')],
      item: [
        { linkId: LinkId.problem, text: 'What is the problem?', type: 'text', required: true, maxLength: 2000 },
        {
          linkId: 'how-long',
          text: 'How long have you had it?',
          type: 'choice',
          required: true,
          answerOption: [option('today', 'It started today'), option('days', 'A few days'), option('weeks', '1 to 4 weeks'), option('months', 'More than a month')],
        },
        {
          linkId: 'getting-worse',
          text: 'Is it getting worse quickly?',
          type: 'boolean',
          required: true,
          extension: [{ url: URGENT_ANSWER_EXTENSION, valueBoolean: true }],
        },
        {
          linkId: 'would-like',
          text: 'What would you like us to do?',
          type: 'choice',
          required: true,
          answerOption: [option('advice', 'Give me advice'), option('appointment', 'Give me an appointment'), option('medicine', 'Help with medicine'), option('not-sure', 'I am not sure')],
        },
        {
          // the person's stated preference, kept beside the modality actually given (decision 0013)
          linkId: LinkId.howSeen,
          text: 'If you need an appointment, how would you like it? (optional)',
          type: 'choice',
          answerOption: [
            { valueCoding: { system: MODALITY_SYSTEM, code: 'phone', display: 'A phone call' } },
            { valueCoding: { system: MODALITY_SYSTEM, code: 'video', display: 'A video call' } },
            { valueCoding: { system: MODALITY_SYSTEM, code: 'face-to-face', display: 'Face to face at the practice' } },
            { valueCoding: { system: MODALITY_SYSTEM, code: 'home-visit', display: 'A home visit (if you cannot leave home)' } },
            option('no-preference', 'No preference'),
          ],
        },
      ],
    },
    {
      linkId: 'admin',
      text: 'About your request',
      type: 'group',
      enableWhen: [whenCategory('admin')],
      item: [
        {
          linkId: 'admin-type',
          text: 'What do you need?',
          type: 'choice',
          required: true,
          answerOption: [
            option('fit-note', 'A fit note (sick note)'),
            option('test-results', 'Test results'),
            option('prescription', 'A question about a prescription'),
            option('letter-or-form', 'A letter or a form'),
            option('other', 'Something else'),
          ],
        },
        { linkId: LinkId.adminNeed, text: 'Tell us more', type: 'text', required: true, maxLength: 2000 },
      ],
    },
  ];
  return {
    resourceType: 'Questionnaire',
    url: REQUEST_QUESTIONNAIRE_URL,
    version: REQUEST_QUESTIONNAIRE_VERSION,
    name: 'OnlineRequest',
    title: 'Ask your GP practice for help',
    status: 'active',
    subjectType: ['Patient'],
    description: 'The online request form: a health problem or something else. Questions that mean "call 999, call 111 or go to A&E now" stop the form and say what to do.',
    item: items,
  };
}

const versionOf = (q: Resource): string => (typeof q.version === 'string' ? q.version : '');

function compareVersions(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : a.localeCompare(b);
}

/** The request form in use: the newest active version by url; NOT_FOUND when there is none. */
export async function currentRequestQuestionnaire(repository: Repository): Promise<StoredResource> {
  const { matches } = await repository.search(
    parseSearchRequest('Questionnaire', [['url', REQUEST_QUESTIONNAIRE_URL], ['status', 'active'], ['_count', '100']], { handling: 'strict' }),
  );
  const newest = [...matches].sort(
    (a, b) => compareVersions(versionOf(b), versionOf(a)) || b.meta.lastUpdated.localeCompare(a.meta.lastUpdated),
  )[0];
  if (newest === undefined) {
    throw new FhirError('NOT_FOUND', `There is no active request form (Questionnaire ${REQUEST_QUESTIONNAIRE_URL}); an administrator must create one, for example by starting Kindred once.`);
  }
  return newest;
}

/**
 * Creates Kindred's request form when its version is not in the record yet (a conditional create on
 * url and version, so two nodes starting at once make one), and returns the form in use.
 * Needs a repository that may write Questionnaires (the system's, at start-up).
 */
export async function ensureRequestQuestionnaire(repository: Repository): Promise<StoredResource> {
  const ifNoneExist = parseSearchRequest('Questionnaire', [['url', REQUEST_QUESTIONNAIRE_URL], ['version', REQUEST_QUESTIONNAIRE_VERSION]], { handling: 'strict' });
  await repository.create(defaultRequestQuestionnaire(), { ifNoneExist });
  return currentRequestQuestionnaire(repository);
}
