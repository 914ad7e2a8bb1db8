/**
 * The access needs fields: what they render reads back as the same needs through the care
 * service's parseAccessNeedsForm (submitted as a browser would, with no JavaScript), errors sit
 * beside their fields, what was typed is kept, and the two voices ("you", "they") differ only in words.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_NEEDS, parseAccessNeedsForm, type AccessNeeds } from '@kindred/care';
import { renderAccessNeedsFields } from './access-needs-form.ts';

/** The fields a browser would send for this HTML: ticked boxes and radios, selected options, text areas, hidden inputs. */
function submit(markup: string): Record<string, string | string[]> {
  const pairs: [string, string][] = [];
  const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  const unescape = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  for (const [tag] of markup.matchAll(/<input\b[^>]*>/g)) {
    const type = attr(tag, 'type');
    const name = attr(tag, 'name');
    if (name === undefined) continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    pairs.push([name, unescape(attr(tag, 'value') ?? 'on')]);
  }
  for (const [, tag, options] of markup.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected>/.exec(options ?? '')?.[1] ?? /<option value="([^"]*)"/.exec(options ?? '')?.[1];
    if (chosen !== undefined) pairs.push([attr(tag ?? '', 'name') ?? '', unescape(chosen)]);
  }
  for (const [, tag, text] of markup.matchAll(/(<textarea\b[^>]*>)([\s\S]*?)<\/textarea>/g)) pairs.push([attr(tag ?? '', 'name') ?? '', unescape(text ?? '')]);
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of pairs) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

const needs: AccessNeeds = {
  ...DEFAULT_ACCESS_NEEDS,
  preferredChannels: ['sms', 'letter'],
  possibleChannels: ['phone'],
  noInternet: true,
  language: 'pl',
  interpreterRequired: true,
  largePrint: true,
  hearingLoss: true,
  carerHelps: 'RelatedPerson/ruth',
  reasonableAdjustments: ['a quiet room', 'first appointment of the day <please>'],
  longerAppointment: true,
  safeToContactAtHome: false,
};

describe('renderAccessNeedsFields', () => {
  it('reads back as the same needs through parseAccessNeedsForm', () => {
    for (const recorded of [needs, DEFAULT_ACCESS_NEEDS, { ...DEFAULT_ACCESS_NEEDS, bsl: true, easyRead: true, sightLoss: true, preferredChannels: ['app', 'email'] as const }]) {
      const markup = renderAccessNeedsFields(recorded, [], { voice: 'staff', carers: [{ reference: 'RelatedPerson/ruth', name: 'Ruth Rowe' }] }).value;
      expect(parseAccessNeedsForm(submit(markup))).toEqual({ needs: recorded });
    }
  });

  it('keeps a recorded carer when the page offers no choice of carers', () => {
    const markup = renderAccessNeedsFields(needs, [], { voice: 'person' }).value;
    expect(markup).toContain('<input type="hidden" name="carerHelps" value="RelatedPerson/ruth">');
    expect(parseAccessNeedsForm(submit(markup))).toEqual({ needs });
  });

  it('escapes what people typed', () => {
    const markup = renderAccessNeedsFields(needs, [], { voice: 'staff' }).value;
    expect(markup).toContain('first appointment of the day &lt;please&gt;');
    expect(markup).not.toContain('<please>');
  });

  it('shows each error beside its field and keeps what was typed', () => {
    const typed = { preferredChannels: ['app', 'sms'], noInternet: 'yes', language: 'pl', reasonableAdjustments: 'a ramp\nsomeone to meet them', easyRead: 'yes' };
    const parsed = parseAccessNeedsForm(typed);
    expect('errors' in parsed).toBe(true);
    const errors = 'errors' in parsed ? parsed.errors : [];
    const markup = renderAccessNeedsFields(DEFAULT_ACCESS_NEEDS, errors, { voice: 'staff', typed }).value;
    // the channels error (no internet but the app) and the missing answer on safety
    expect(markup).toMatch(/id="preferredChannels-error"[^]*They have no internet/);
    expect(markup).toMatch(/id="safeToContactAtHome-error"[^]*Select whether it is safe to contact them at home/);
    expect(markup).toContain('nhsuk-form-group--error');
    // what was typed is still there: ticked boxes, the language, the adjustments
    expect(markup).toMatch(/id="preferredChannels" name="preferredChannels" type="checkbox" value="app" checked/);
    expect(markup).toMatch(/id="noInternet" name="noInternet" type="checkbox" value="yes" checked/);
    expect(markup).toMatch(/id="easyRead" name="easyRead" type="checkbox" value="yes" checked/);
    expect(markup).toMatch(/<option value="pl" selected>Polish<\/option>/);
    expect(markup).toContain('a ramp\nsomeone to meet them</textarea>');
    expect(markup).not.toMatch(/name="safeToContactAtHome" type="radio" value="(yes|no)" checked/);
  });

  it('speaks to the person as "you" and to staff about "them"', () => {
    const person = renderAccessNeedsFields(DEFAULT_ACCESS_NEEDS, [], { voice: 'person' }).value;
    const staff = renderAccessNeedsFields(DEFAULT_ACCESS_NEEDS, [], { voice: 'staff' }).value;
    expect(person).toContain('How do you prefer us to contact you?');
    expect(person).toContain('I need an interpreter');
    expect(staff).toContain('How do they prefer to be contacted?');
    expect(staff).toContain('They need an interpreter');
    expect(staff).toContain('Is it safe to contact them at home?');
  });

  it('offers a recorded language that is not in the usual list', () => {
    const markup = renderAccessNeedsFields({ ...DEFAULT_ACCESS_NEEDS, language: 'cy' }, [], { voice: 'staff' }).value;
    expect(markup).toMatch(/<option value="cy" selected>Welsh<\/option>/);
  });
});
