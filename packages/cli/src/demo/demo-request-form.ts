/**
 * The online request form the demo's requests answer: Kindred's own form from the requests
 * capability (`defaultRequestQuestionnaire`, decision 0013), written with a fixed id so that the
 * server's start-up finds it there (its conditional create on url and version makes no second one).
 * The answers the demo writes use the form's linkIds, listed here and checked against it by a test.
 *
 * Data only.
 */
import { defaultRequestQuestionnaire, REQUEST_QUESTIONNAIRE_URL, REQUEST_QUESTIONNAIRE_VERSION } from '@kindred/care';
import type { Resource } from '@kindred/fhir';

export const REQUEST_FORM_CANONICAL = `${REQUEST_QUESTIONNAIRE_URL}|${REQUEST_QUESTIONNAIRE_VERSION}`;

/** The red-flag questions the demo's red-flag exits answer "yes" to, with the advice the form gives. */
export const RED_FLAGS = {
  adult: [
    { linkId: 'chest-pain', advice: '999' },
    { linkId: 'breathing', advice: '999' },
    { linkId: 'stroke', advice: '999' },
    { linkId: 'ending-life', advice: '999' },
    { linkId: 'heavy-bleeding', advice: 'a-and-e' },
  ],
  child: [
    { linkId: 'child-unresponsive', advice: '999' },
    { linkId: 'child-breathing', advice: '999' },
    { linkId: 'child-rash', advice: '999' },
    { linkId: 'baby-temperature', advice: '111' },
  ],
} as const;

export const HOW_LONG = ['today', 'days', 'weeks', 'months'] as const;
export const WOULD_LIKE = ['advice', 'appointment', 'medicine', 'not-sure'] as const;
export const ADMIN_TYPES = ['fit-note', 'test-results', 'prescription', 'letter-or-form', 'other'] as const;

/** Every linkId a demo answer uses. */
export const ANSWERED_LINK_IDS = [
  'is-child',
  'category',
  'red-flags-adult',
  'red-flags-child',
  ...RED_FLAGS.adult.map((f) => f.linkId),
  ...RED_FLAGS.child.map((f) => f.linkId),
  'medical',
  'problem',
  'how-long',
  'getting-worse',
  'would-like',
  'admin',
  'admin-type',
  'admin-need',
] as const;

export function requestForm(): Resource {
  return { ...defaultRequestQuestionnaire(), id: 'demo-online-request' };
}
