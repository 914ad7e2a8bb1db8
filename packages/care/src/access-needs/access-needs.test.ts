/**
 * The access needs profile as FHIR on the Patient: defaults, round trip, what staff see, the
 * profile messaging reads, and the web form's errors. Pure; save-access-needs.test.ts stores it.
 */
import { describe, expect, it } from 'vitest';
import { validateResource } from '@kindred/fhir';
import type { Resource } from '@kindred/fhir';
import { chooseChannel } from '../messaging/channel-choice.ts';
import { defaultTemplates } from '../messaging/message-templates.ts';
import { ACCESS_NEEDS_EXTENSION, DEFAULT_ACCESS_NEEDS, INTERPRETER_REQUIRED_EXTENSION, readAccessNeeds, withAccessNeeds, type AccessNeeds } from './access-needs.ts';
import { accessNeedsSummary, communicationProfileOf } from './access-needs-summary.ts';
import { parseAccessNeedsForm } from './access-needs-form.ts';

const patient: Resource = Object.freeze({
  resourceType: 'Patient',
  id: 'alice',
  name: [{ given: ['Alice'], family: 'Able' }],
  telecom: [
    { system: 'phone', value: '0113 496 0000', use: 'home' },
    { system: 'phone', value: '07700 900123', use: 'mobile' },
    { system: 'email', value: 'alice@example.org' },
  ],
  address: [{ use: 'home', line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA' }],
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'York' } }],
});

const polish: AccessNeeds = {
  preferredChannels: ['phone', 'letter'],
  possibleChannels: ['sms'],
  noInternet: true,
  language: 'pl',
  interpreterRequired: true,
  bsl: false,
  easyRead: false,
  largePrint: true,
  hearingLoss: false,
  sightLoss: true,
  carerHelps: 'RelatedPerson/ruth',
  reasonableAdjustments: ['first appointment of the day', 'a quiet room'],
  longerAppointment: true,
  safeToContactAtHome: false,
};

describe('the access needs profile on the Patient', () => {
  it('reads the defaults when nothing is recorded', () => {
    expect(readAccessNeeds({ resourceType: 'Patient' })).toEqual(DEFAULT_ACCESS_NEEDS);
  });

  it('round-trips through FHIR, keeping other extensions, without changing its input', () => {
    const before = JSON.stringify(patient);
    const written = withAccessNeeds(patient, polish);
    expect(JSON.stringify(patient)).toBe(before);
    expect(readAccessNeeds(written)).toEqual(polish);
    expect(written.communication).toEqual([{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'pl' }], text: 'Polish' }, preferred: true }]);
    const extensions = written.extension as { url: string; valueBoolean?: boolean; extension?: { url: string }[] }[];
    expect(extensions.map((e) => e.url)).toEqual(['http://hl7.org/fhir/StructureDefinition/patient-birthPlace', INTERPRETER_REQUIRED_EXTENSION, ACCESS_NEEDS_EXTENSION]);
    expect(extensions[1]?.valueBoolean).toBe(true);
    expect(extensions[2]?.extension?.map((e) => e.url)).toEqual([
      'preferredChannel', 'preferredChannel', 'possibleChannel', 'noInternet', 'largePrint', 'sightLoss', 'longerAppointment', 'safeToContactAtHome', 'carerHelps', 'reasonableAdjustment', 'reasonableAdjustment',
    ]);
    // written again over itself: the same
    expect(withAccessNeeds(written, polish)).toEqual(written);
    expect(readAccessNeeds(withAccessNeeds(written, DEFAULT_ACCESS_NEEDS))).toEqual(DEFAULT_ACCESS_NEEDS);
  });

  it('is valid FHIR R4', () => {
    const issues = validateResource(withAccessNeeds(patient, polish));
    expect(issues.filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
  });

  it('BSL is the language bfi, preferred, beside the written language', () => {
    const written = withAccessNeeds(patient, { ...DEFAULT_ACCESS_NEEDS, bsl: true });
    expect((written.communication as { language: { coding: { code: string }[] }; preferred: boolean }[]).map((c) => [c.language.coding[0]?.code, c.preferred])).toEqual([['en', false], ['bfi', true]]);
    expect(readAccessNeeds(written)).toMatchObject({ bsl: true, language: 'en' });
  });

  it('says in plain English what staff must know before contacting them', () => {
    expect(accessNeedsSummary(polish)).toEqual([
      'Not safe to contact at home: use only the number and times they have agreed',
      'Needs a Polish interpreter',
      'No internet: phone or letter',
      'Has sight loss',
      'Needs large print',
      'Needs a longer appointment',
      'Reasonable adjustment: first appointment of the day',
      'Reasonable adjustment: a quiet room',
      'A carer helps them: see who before you contact them',
      'Prefers phone, then letter',
    ]);
    expect(accessNeedsSummary({ ...DEFAULT_ACCESS_NEEDS, language: 'ar', interpreterRequired: true })[0]).toBe('Needs an Arabic interpreter');
    expect(accessNeedsSummary(DEFAULT_ACCESS_NEEDS)).toEqual(['How they like to be contacted is not recorded: ask them']);
  });

  it('gives messaging the profile and contact details it chooses a channel from', () => {
    const needs: AccessNeeds = { ...DEFAULT_ACCESS_NEEDS, preferredChannels: ['app', 'sms'], possibleChannels: ['letter'], largePrint: true };
    const profile = communicationProfileOf(patient, needs, { appAccount: true });
    expect(profile).toEqual({
      preferredChannels: ['app', 'sms'],
      possibleChannels: ['letter'],
      noInternetOrDevice: false,
      largePrint: true,
      easyRead: false,
      bsl: false,
      safeToContactAtHome: true,
      contact: { mobile: '07700 900123', email: 'alice@example.org', address: { lines: ['Alice Able', '1 High Street', 'Leeds'], postcode: 'LS1 1AA' }, appAccount: true },
    });
    expect(chooseChannel(profile, 'request-received', defaultTemplates).kind).toBe('app');
    expect(communicationProfileOf(patient, needs).contact.appAccount).toBeUndefined();
    expect(chooseChannel(communicationProfileOf(patient, polish), 'request-received', defaultTemplates)).toMatchObject({ kind: 'staff-phone', interpreterLanguage: 'pl' });
  });
});

describe('the access needs form', () => {
  const filled = {
    preferredChannels: ['phone', 'letter'],
    possibleChannels: 'sms',
    noInternet: 'yes',
    language: 'pl',
    interpreterRequired: 'yes',
    largePrint: 'on',
    sightLoss: 'yes',
    carerHelps: 'RelatedPerson/ruth',
    reasonableAdjustments: 'first appointment of the day\r\n\r\na quiet room',
    longerAppointment: 'yes',
    safeToContactAtHome: 'no',
  };

  it('reads a filled-in form', () => {
    expect(parseAccessNeedsForm(filled)).toEqual({ needs: polish });
  });

  it('says what to fix, field by field', () => {
    const result = parseAccessNeedsForm({
      preferredChannels: ['app', 'pigeon'],
      noInternet: 'yes',
      language: 'xx-nonsense-language',
      interpreterRequired: 'maybe',
      carerHelps: 'Patient/alice',
      reasonableAdjustments: 'x'.repeat(501),
    });
    expect(result).toEqual({
      errors: [
        { field: 'preferredChannels', message: 'Choose from app, text message, email, phone or letter ("pigeon" is not one of them)' },
        { field: 'preferredChannels', message: 'They have no internet, so they cannot be reached by the app: untick it, or untick "no internet"' },
        { field: 'language', message: 'Choose their language from the list ("xx-nonsense-language" is not a language we know)' },
        { field: 'interpreterRequired', message: 'Select yes or no for whether they need an interpreter' },
        { field: 'carerHelps', message: 'Choose the carer who helps them from the list' },
        { field: 'reasonableAdjustments', message: 'Each reasonable adjustment must be 500 characters or fewer' },
        { field: 'safeToContactAtHome', message: 'Select whether it is safe to contact them at home' },
      ],
    });
  });

  it('an interpreter needs a language other than English', () => {
    expect(parseAccessNeedsForm({ interpreterRequired: 'yes', safeToContactAtHome: 'yes' })).toEqual({
      errors: [{ field: 'language', message: 'Choose the language they need an interpreter for' }],
    });
  });
});
