import { describe, expect, it } from 'vitest';
import { chooseChannel, type CommunicationProfile } from './channel-choice.ts';
import { defaultTemplates } from './message-templates.ts';

const everything: CommunicationProfile = {
  preferredChannels: [],
  possibleChannels: [],
  noInternetOrDevice: false,
  largePrint: false,
  easyRead: false,
  bsl: false,
  safeToContactAtHome: true,
  contact: { mobile: '07700900123', email: 'ada@example.org', address: { lines: ['Ada', '1 High Street'], postcode: 'LS1 1AA' }, appAccount: true },
};
const profile = (changes: Partial<CommunicationProfile>): CommunicationProfile => ({ ...everything, ...changes });

type Expected = string; // "send sms standard", "app easy-read", "staff-phone"

const cases: [string, CommunicationProfile, string, Expected][] = [
  ['prefers the app', profile({ preferredChannels: ['app'] }), 'appointment-reminder', 'app standard'],
  ['prefers SMS', profile({ preferredChannels: ['sms', 'email'] }), 'appointment-reminder', 'send sms standard'],
  ['prefers email, easy read', profile({ preferredChannels: ['email'], easyRead: true }), 'appointment-confirmation', 'send email easy-read'],
  ['app first but no internet: the next possible channel', profile({ preferredChannels: ['app', 'email'], possibleChannels: ['letter'], noInternetOrDevice: true }), 'reply', 'send letter standard'],
  ['no internet, a mobile: SMS still reaches them', profile({ preferredChannels: ['email'], possibleChannels: ['sms'], noInternetOrDevice: true }), 'reply', 'send sms standard'],
  ['letter, large print', profile({ preferredChannels: ['letter'], largePrint: true }), 'appointment-reminder', 'send letter large-print'],
  ['letter, large print and easy read', profile({ preferredChannels: ['letter'], largePrint: true, easyRead: true }), 'reply', 'send letter easy-read'],
  ['letter but not safe at home: the next channel', profile({ preferredChannels: ['letter', 'sms'], safeToContactAtHome: false }), 'reply', 'send sms standard'],
  ['only a letter, not safe at home: staff phone', profile({ preferredChannels: ['letter'], safeToContactAtHome: false }), 'reply', 'staff-phone'],
  ['prefers phone', profile({ preferredChannels: ['phone', 'sms'] }), 'appointment-reminder', 'staff-phone'],
  ['BSL, phone then SMS: SMS (a voice call does not reach them)', profile({ preferredChannels: ['phone', 'sms'], bsl: true }), 'appointment-reminder', 'send sms standard'],
  ['BSL, phone only: staff phone through a BSL interpreter or relay', profile({ preferredChannels: ['phone'], bsl: true }), 'appointment-reminder', 'staff-phone'],
  ['needs a Polish interpreter: staff phone with one', profile({ preferredChannels: ['sms'], interpreterLanguage: 'pl' }), 'appointment-reminder', 'staff-phone'],
  ['no channel recorded', profile({}), 'reply', 'staff-phone'],
  ['letter with no address: the next channel', profile({ preferredChannels: ['letter', 'email'], contact: { email: 'ada@example.org' } }), 'reply', 'send email standard'],
  ['no contact details at all', profile({ preferredChannels: ['sms', 'email', 'letter', 'app'], contact: {} }), 'reply', 'staff-phone'],
  ['password reset has no letter: the next channel', profile({ preferredChannels: ['letter', 'email'] }), 'password-reset', 'send email standard'],
  ['password reset, easy read: no easy-read email, so SMS', profile({ preferredChannels: ['email'], possibleChannels: ['sms'], easyRead: true }), 'password-reset', 'send sms standard'],
];

describe('chooseChannel', () => {
  it.each(cases)('%s', (_, person, template, expected) => {
    const decision = chooseChannel(person, template, defaultTemplates);
    const got = decision.kind === 'send' ? `send ${decision.channel} ${decision.variant}` : decision.kind === 'app' ? `app ${decision.variant}` : 'staff-phone';
    expect(got).toBe(expected);
  });

  it('says why each channel was passed over', () => {
    const decision = chooseChannel(profile({ preferredChannels: ['app', 'letter', 'sms'], noInternetOrDevice: true, safeToContactAtHome: false }), 'reply', defaultTemplates);
    expect(decision).toEqual({ kind: 'send', channel: 'sms', variant: 'standard', skipped: ['app: no internet or device', 'letter: not safe to contact at home'] });
  });

  it('tells staff what help the call needs', () => {
    expect(chooseChannel(profile({ preferredChannels: ['sms'], interpreterLanguage: 'pl', safeToContactAtHome: false }), 'reply', defaultTemplates)).toEqual({
      kind: 'staff-phone',
      reasons: ['needs an interpreter (pl) and the messages are in English only', 'not safe to contact at home: use only the number and times they have agreed'],
      interpreterLanguage: 'pl',
      bsl: false,
    });
    const bsl = chooseChannel(profile({ preferredChannels: ['phone'], bsl: true }), 'reply', defaultTemplates);
    expect(bsl).toMatchObject({ kind: 'staff-phone', bsl: true });
    expect(bsl.kind === 'staff-phone' && bsl.reasons).toContain('uses BSL: arrange a BSL interpreter or video relay');
  });

  it('an English interpreter need is no need for one', () => {
    expect(chooseChannel(profile({ preferredChannels: ['sms'], interpreterLanguage: 'en-GB' }), 'reply', defaultTemplates).kind).toBe('send');
  });

  it('does not change the profile', () => {
    const person = Object.freeze(profile({ preferredChannels: Object.freeze(['letter', 'sms'] as const) }));
    chooseChannel(person, 'reply', defaultTemplates);
    expect(person.preferredChannels).toEqual(['letter', 'sms']);
  });
});
