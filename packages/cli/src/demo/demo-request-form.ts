/**
 * The online request form the demo's requests answer: a FHIR Questionnaire
 * (http://hl7.org/fhir/R4/questionnaire.html) at the url decision 0013 gives, with adult and child
 * red-flag questions (extension red-flag: what to do now) switched on by `enableWhen`. Its linkIds
 * are the ones the requests capability reads (is-child, category, problem, admin-need …), so the
 * demo's answers read like real ones.
 *
 * A compact form for the demo only; the product's default form belongs to the requests capability.
 */
import type { Resource } from '@kindred/fhir';
import { EXT, KINDRED_CANONICAL_SYSTEMS, REQUEST_QUESTIONNAIRE_URL } from './demo-vocabulary.ts';

export const REQUEST_FORM_VERSION = '1';
export const REQUEST_FORM_CANONICAL = `${REQUEST_QUESTIONNAIRE_URL}|${REQUEST_FORM_VERSION}`;
export const HIDDEN_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/questionnaire-hidden';
export const URGENT_ANSWER_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/urgent-answer';

export const RED_FLAGS = {
  adult: [
    { linkId: 'chest-pain', text: 'Chest pain that spreads to your arms, back, neck or jaw, or chest pain with sweating or feeling breathless', advice: '999' },
    { linkId: 'breathing', text: 'Severe difficulty breathing', advice: '999' },
    { linkId: 'stroke', text: 'Signs of a stroke: face dropped on one side, cannot lift both arms, slurred speech', advice: '999' },
    { linkId: 'ending-life', text: 'Thoughts of ending your life, or you have hurt yourself and need help now', advice: '999' },
    { linkId: 'heavy-bleeding', text: 'Heavy bleeding that will not stop', advice: 'a-and-e' },
  ],
  child: [
    { linkId: 'child-unresponsive', text: 'They are floppy or not responding, or their lips look blue or grey', advice: '999' },
    { linkId: 'child-breathing', text: 'They are struggling to breathe', advice: '999' },
    { linkId: 'child-rash', text: 'A rash that does not fade when you press a glass against it', advice: '999' },
    { linkId: 'baby-temperature', text: 'A baby under 3 months old with a temperature of 38C or higher', advice: '111' },
  ],
} as const;

export const HOW_LONG = ['today', 'days', 'weeks', 'months'] as const;
export const WOULD_LIKE = ['advice', 'appointment', 'medicine', 'not-sure'] as const;
export const ADMIN_TYPES = ['fit-note', 'test-results', 'prescription', 'letter-or-form', 'other'] as const;

const category = (code: string, display: string) => ({ valueCoding: { system: KINDRED_CANONICAL_SYSTEMS.requestCategory, code, display } });
const option = (code: string) => ({ valueCoding: { code, display: code.replace(/-/g, ' ') } });
const whenCategory = (code: string) => ({ question: 'category', operator: '=', answerCoding: { system: KINDRED_CANONICAL_SYSTEMS.requestCategory, code } });

export function requestForm(): Resource {
  const redFlagGroup = (linkId: string, forChild: boolean, flags: readonly { linkId: string; text: string; advice: string }[]) => ({
    linkId,
    type: 'group',
    text: forChild ? 'Does your child have any of these now?' : 'Do you have any of these now?',
    enableWhen: [{ question: 'is-child', operator: '=', answerBoolean: forChild }, whenCategory('medical')],
    enableBehavior: 'all',
    item: flags.map((f) => ({ linkId: f.linkId, type: 'boolean', text: f.text, required: true, extension: [{ url: EXT.redFlag, valueString: f.advice }] })),
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
    description: 'A request for help with a health problem or something else. Questions about urgent symptoms stop the form and say what to do now.',
    item: [
      { linkId: 'is-child', type: 'boolean', text: 'Is the request for a child (under 16)?', readOnly: true, extension: [{ url: HIDDEN_EXTENSION, valueBoolean: true }] },
      {
        linkId: 'category',
        type: 'choice',
        text: 'What is your request about?',
        required: true,
        answerOption: [category('medical', 'A health problem'), category('admin', 'Something else: a fit note, test results, a prescription, a letter or a form')],
      },
      redFlagGroup('red-flags-adult', false, RED_FLAGS.adult),
      redFlagGroup('red-flags-child', true, RED_FLAGS.child),
      {
        linkId: 'medical',
        type: 'group',
        text: 'About the health problem',
        enableWhen: [whenCategory('medical')],
        item: [
          { linkId: 'problem', type: 'text', text: 'What is the problem?', required: true, maxLength: 2000 },
          { linkId: 'how-long', type: 'choice', text: 'How long have you had it?', required: true, answerOption: HOW_LONG.map(option) },
          { linkId: 'getting-worse', type: 'boolean', text: 'Is it getting worse quickly?', required: true, extension: [{ url: URGENT_ANSWER_EXTENSION, valueBoolean: true }] },
          { linkId: 'would-like', type: 'choice', text: 'What would you like us to do?', required: true, answerOption: WOULD_LIKE.map(option) },
        ],
      },
      {
        linkId: 'admin',
        type: 'group',
        text: 'About your request',
        enableWhen: [whenCategory('admin')],
        item: [
          { linkId: 'admin-type', type: 'choice', text: 'What do you need?', required: true, answerOption: ADMIN_TYPES.map(option) },
          { linkId: 'admin-need', type: 'text', text: 'Tell us more', required: true, maxLength: 2000 },
        ],
      },
    ],
  };
}
