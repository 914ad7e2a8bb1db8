/**
 * The request form and its answers, pure: the default Questionnaire is valid FHIR, red flags for
 * adults and children stop the form with what to do now, errors say what to fix, urgency and the
 * recorded response items follow the form.
 */
import { describe, expect, it } from 'vitest';
import { validateResource } from '@kindred/fhir';
import { answerErrors, evaluateRedFlags, hasUrgentAnswer, readAnswers, responseItems } from './request-answers.ts';
import { defaultRequestQuestionnaire, type QuestionnaireItem } from './request-questionnaire.ts';
import { RED_FLAG_EXTENSION } from './request-vocabulary.ts';

const form = defaultRequestQuestionnaire();
const adultMedical = { 'is-child': false, category: 'medical', 'chest-pain': 'no', breathing: 'no', stroke: 'no', 'ending-life': 'no', 'heavy-bleeding': 'no' };
const complete = { ...adultMedical, problem: 'A cough for two weeks', 'how-long': 'weeks', 'getting-worse': 'no', 'would-like': 'appointment' };

describe('the default request form', () => {
  it('is a valid FHIR R4 Questionnaire, and every red-flag question says what to do now', () => {
    expect(validateResource(form).filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
    const flat = (items: QuestionnaireItem[]): QuestionnaireItem[] => items.flatMap((i) => [i, ...flat(i.item ?? [])]);
    const flags = flat(form.item as QuestionnaireItem[]).filter((i) => i.extension?.some((e) => e.url === RED_FLAG_EXTENSION));
    expect(flags.map((f) => f.linkId)).toEqual(['chest-pain', 'breathing', 'stroke', 'ending-life', 'heavy-bleeding', 'child-unresponsive', 'child-breathing', 'child-rash', 'baby-temperature']);
    for (const f of flags) expect(f.item?.[0]).toMatchObject({ type: 'display', text: expect.stringMatching(/^(Call|Go|If)/) as unknown });
  });

  it('returns a new form each time (callers may change theirs)', () => {
    expect(defaultRequestQuestionnaire()).not.toBe(form);
    expect(defaultRequestQuestionnaire()).toEqual(form);
  });
});

describe('red flags', () => {
  it('an adult red flag answered yes: what to do now', () => {
    expect(evaluateRedFlags(form, { ...adultMedical, stroke: 'yes', 'heavy-bleeding': 'yes' })).toEqual({
      linkId: 'stroke',
      advice: '999',
      text: 'Call 999 now. Do not wait for a reply to this form. Say that you think it is a stroke.',
    });
    expect(evaluateRedFlags(form, { ...adultMedical, 'heavy-bleeding': true })).toMatchObject({ linkId: 'heavy-bleeding', advice: 'a-and-e' });
    expect(evaluateRedFlags(form, { ...adultMedical, 'ending-life': 'yes' })?.text).toContain('Samaritans free on 116 123');
  });

  it('the child questions apply to children, the adult ones to adults', () => {
    const child = { 'is-child': true, category: 'medical', 'baby-temperature': 'yes' };
    expect(evaluateRedFlags(form, child)).toMatchObject({ linkId: 'baby-temperature', advice: '111', text: expect.stringContaining('Call 111 now') as unknown });
    expect(evaluateRedFlags(form, { ...child, 'child-rash': 'yes' })).toMatchObject({ linkId: 'child-rash', advice: '999' });
    // an adult's answer to a child's question (a stale form) does not count, nor the reverse
    expect(evaluateRedFlags(form, { ...adultMedical, 'child-rash': 'yes' })).toBeUndefined();
    expect(evaluateRedFlags(form, { 'is-child': true, category: 'medical', 'chest-pain': 'yes' })).toBeUndefined();
  });

  it('none for an admin request or when every answer is no', () => {
    expect(evaluateRedFlags(form, complete)).toBeUndefined();
    expect(evaluateRedFlags(form, { 'is-child': false, category: 'admin', 'chest-pain': 'yes' })).toBeUndefined();
  });
});

describe('answer errors', () => {
  it('none for a complete medical request', () => {
    expect(answerErrors(form, complete)).toEqual([]);
  });

  it('asks for the category first', () => {
    expect(answerErrors(form, { 'is-child': false })).toEqual([{ field: 'category', message: 'Select an answer for "What is your request about?"' }]);
  });

  it('one error per question to fix, in the form\'s order, in plain English', () => {
    expect(answerErrors(form, { ...adultMedical, stroke: 'perhaps', problem: 'x'.repeat(2001), 'how-long': 'forever', 'getting-worse': '' })).toEqual([
      { field: 'stroke', message: expect.stringMatching(/^Select yes or no for "Signs of a stroke/) as unknown },
      { field: 'problem', message: 'Your answer to "What is the problem?" must be 2,000 characters or fewer (it has 2,001)' },
      { field: 'how-long', message: 'Select one of the answers listed for "How long have you had it?"' },
      { field: 'getting-worse', message: 'Select yes or no for "Is it getting worse quickly?"' },
      { field: 'would-like', message: 'Select an answer for "What would you like us to do?"' },
    ]);
  });

  it('an admin request asks only the admin questions', () => {
    expect(answerErrors(form, { 'is-child': false, category: 'admin', 'admin-type': 'fit-note' })).toEqual([{ field: 'admin-need', message: 'Enter an answer for "Tell us more"' }]);
  });
});

describe('urgency and the recorded answers', () => {
  it('an answer the form marks urgent makes the request urgent', () => {
    expect(hasUrgentAnswer(form, readAnswers(form, complete))).toBe(false);
    expect(hasUrgentAnswer(form, readAnswers(form, { ...complete, 'getting-worse': 'yes' }))).toBe(true);
  });

  it('records the enabled answers, nested as the form is, with the choices\' codings', () => {
    const items = responseItems(form, readAnswers(form, { ...complete, 'admin-need': 'ignored: not asked', 'child-rash': 'yes' }));
    expect(items.map((i) => i.linkId)).toEqual(['is-child', 'category', 'red-flags-adult', 'medical']);
    expect(items[1]).toMatchObject({ answer: [{ valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/request-category', code: 'medical' } }] });
    expect(items[3]?.item).toEqual([
      { linkId: 'problem', text: 'What is the problem?', answer: [{ valueString: 'A cough for two weeks' }] },
      { linkId: 'how-long', text: 'How long have you had it?', answer: [{ valueCoding: { code: 'weeks', display: '1 to 4 weeks' } }] },
      { linkId: 'getting-worse', text: 'Is it getting worse quickly?', answer: [{ valueBoolean: false }] },
      { linkId: 'would-like', text: 'What would you like us to do?', answer: [{ valueCoding: { code: 'appointment', display: 'Give me an appointment' } }] },
    ]);
  });
});
