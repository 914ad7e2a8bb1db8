/**
 * The online request form the demo's requests answer: a FHIR Questionnaire
 * (http://hl7.org/fhir/R4/questionnaire.html) at the url decision 0013 gives, with adult and child
 * red-flag questions (extension red-flag: what to do now) switched on by `enableWhen`.
 *
 * A minimal form compatible with decision 0013, for the demo only; a practice's own form (and the
 * product's default) belongs to the requests capability.
 */
import type { Resource } from '@kindred/fhir';
import { EXT, KINDRED_CANONICAL_SYSTEMS, Modality, REQUEST_QUESTIONNAIRE_URL, SYSTEM } from './demo-vocabulary.ts';

export const REQUEST_FORM_VERSION = '1';
export const REQUEST_FORM_CANONICAL = `${REQUEST_QUESTIONNAIRE_URL}|${REQUEST_FORM_VERSION}`;

export const RED_FLAGS = {
  adult: [
    { linkId: 'chest-pain', text: 'Chest pain, or pain that spreads to your arms, back, neck or jaw', advice: '999' },
    { linkId: 'breathing', text: 'Severe difficulty breathing', advice: '999' },
    { linkId: 'stroke', text: 'Face drooping, arm weakness or slurred speech', advice: '999' },
    { linkId: 'heavy-bleeding', text: 'Heavy bleeding that will not stop', advice: 'a-and-e' },
    { linkId: 'suicidal', text: 'Thoughts of ending your life now', advice: '111' },
  ],
  child: [
    { linkId: 'child-breathing', text: 'Your child is struggling to breathe', advice: '999' },
    { linkId: 'child-rash', text: 'A rash that does not fade when you press a glass on it', advice: '999' },
    { linkId: 'child-unresponsive', text: 'Your child is floppy, unresponsive or very hard to wake', advice: '999' },
    { linkId: 'baby-fever', text: 'A baby under 3 months old with a temperature of 38°C or more', advice: '111' },
  ],
} as const;

const choice = (system: string, code: string, display: string) => ({ valueCoding: { system, code, display } });

export function requestForm(): Resource {
  const redFlagGroup = (linkId: string, forChild: boolean, flags: readonly { linkId: string; text: string; advice: string }[]) => ({
    linkId,
    type: 'group',
    text: forChild ? 'Does your child have any of these now?' : 'Do you have any of these now?',
    enableWhen: [{ question: 'for-child', operator: '=', answerBoolean: forChild }],
    item: flags.map((f) => ({ linkId: f.linkId, type: 'boolean', text: f.text, extension: [{ url: EXT.redFlag, valueString: f.advice }] })),
  });
  return {
    resourceType: 'Questionnaire',
    id: 'demo-online-request',
    url: REQUEST_QUESTIONNAIRE_URL,
    version: REQUEST_FORM_VERSION,
    name: 'OnlineRequest',
    title: 'Ask your GP practice for help',
    status: 'active',
    subjectType: ['Patient'],
    description: 'A request for help with a medical or admin need. Questions about urgent symptoms come first and say what to do now.',
    item: [
      { linkId: 'for-child', type: 'boolean', text: 'Is this request for a child under 16?', required: true },
      redFlagGroup('red-flags-adult', false, RED_FLAGS.adult),
      redFlagGroup('red-flags-child', true, RED_FLAGS.child),
      {
        linkId: 'request-type',
        type: 'choice',
        text: 'What is your request about?',
        required: true,
        answerOption: [choice(KINDRED_CANONICAL_SYSTEMS.requestCategory, 'medical', 'A health problem'), choice(KINDRED_CANONICAL_SYSTEMS.requestCategory, 'admin', 'Something else, such as a fit note, test results or a letter')],
      },
      { linkId: 'what', type: 'text', text: 'What do you need help with?', required: true, maxLength: 2000 },
      { linkId: 'how-long', type: 'string', text: 'How long has this been going on?', enableWhen: [{ question: 'request-type', operator: '=', answerCoding: { system: KINDRED_CANONICAL_SYSTEMS.requestCategory, code: 'medical' } }] },
      {
        linkId: 'preferred-modality',
        type: 'choice',
        text: 'If we need to speak to you, how would you prefer?',
        answerOption: [
          choice(SYSTEM.modality, Modality.phone, 'Phone call'),
          choice(SYSTEM.modality, Modality.video, 'Video call'),
          choice(SYSTEM.modality, Modality.faceToFace, 'Face to face at the surgery'),
          choice(SYSTEM.modality, Modality.homeVisit, 'Home visit (if you cannot leave home)'),
        ],
      },
      { linkId: 'best-times', type: 'string', text: 'When is a good time to contact you?' },
    ],
  };
}
