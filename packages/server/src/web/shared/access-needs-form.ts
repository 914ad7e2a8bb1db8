/**
 * The fields of the communication and access needs form (issue 4, "Access needs and channels";
 * decision 0013), shared by the person's own page ("you") and the staff page ("they"). The field
 * names are the ones `parseAccessNeedsForm` (@kindred/care) reads back, so the form works by a
 * plain POST with no JavaScript: ticked boxes arrive as "yes", unticked ones not at all.
 *
 * Pure rendering: given the needs (and, after a refused save, what was typed), the fieldsets.
 * It must not read the record or the request, and it renders no <form> or button: the page does.
 */
import { ContactChannel, languageName, type AccessNeeds } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { checkboxes, radios, select, textarea, type ChoiceItem, type FieldErrors, type SelectOptions } from '../components.ts';
import type { FormFields } from '../web-context.ts';

/** Whose needs the form is about: the person themself, or someone staff are looking after. */
export const AccessNeedsVoice = { person: 'person', staff: 'staff' } as const;
export type AccessNeedsVoice = (typeof AccessNeedsVoice)[keyof typeof AccessNeedsVoice];

export interface CarerChoice {
  /** "RelatedPerson/…" */
  reference: string;
  name: string;
}

export interface AccessNeedsFieldsOptions {
  voice: AccessNeedsVoice;
  /** the carers who could help (RelatedPersons of the person); without them the recorded carer is kept unchanged */
  carers?: readonly CarerChoice[];
  /** what was typed into a form the service refused: shown instead of the recorded needs, so nothing typed is lost */
  typed?: FormFields;
}

/**
 * Languages offered first, in the order people in England most often need an interpreter for them
 * (English first, then alphabetical by name); a language recorded that is not here is added.
 * Codes are BCP 47 (Patient.communication.language, http://hl7.org/fhir/R4/valueset-languages.html).
 */
const COMMON_LANGUAGES = [
  'en', 'ar', 'bn', 'bg', 'yue', 'zh', 'fa', 'fr', 'gu', 'hi', 'it', 'ku', 'lt', 'lv', 'ps', 'pl', 'pt', 'pa', 'ro', 'ru', 'so', 'es', 'ta', 'ti', 'tr', 'uk', 'ur', 'vi',
] as const;

const CHANNEL_TEXT: Readonly<Record<ContactChannel, string>> = {
  app: 'Message in the Kindred app',
  sms: 'Text message',
  email: 'Email',
  phone: 'Phone call',
  letter: 'Letter',
};

const CHANNEL_ORDER: readonly ContactChannel[] = [ContactChannel.app, ContactChannel.sms, ContactChannel.email, ContactChannel.phone, ContactChannel.letter];

/** The yes/no needs shown as one checkbox each, with their words for each voice. */
const FLAG_TEXT = {
  noInternet: { person: 'I do not have internet, or a smartphone or computer', staff: 'They do not have internet, or a smartphone or computer' },
  interpreterRequired: { person: 'I need an interpreter', staff: 'They need an interpreter' },
  bsl: { person: 'I use British Sign Language (BSL)', staff: 'They use British Sign Language (BSL)' },
  easyRead: { person: 'I need easy read (short sentences with pictures)', staff: 'They need easy read (short sentences with pictures)' },
  largePrint: { person: 'I need large print', staff: 'They need large print' },
  hearingLoss: { person: 'I have hearing loss', staff: 'They have hearing loss' },
  sightLoss: { person: 'I have sight loss', staff: 'They have sight loss' },
  longerAppointment: { person: 'I need a longer appointment', staff: 'They need a longer appointment' },
} as const;
type Flag = keyof typeof FLAG_TEXT;

/** What the form shows: each field's value as the browser would send it. */
interface FormValues {
  preferredChannels: readonly string[];
  possibleChannels: readonly string[];
  flags: Readonly<Record<Flag, boolean>>;
  language: string;
  carerHelps: string;
  reasonableAdjustments: string;
  safeToContactAtHome: string;
}

function valuesOfNeeds(needs: AccessNeeds): FormValues {
  return {
    preferredChannels: needs.preferredChannels,
    possibleChannels: needs.possibleChannels,
    flags: {
      noInternet: needs.noInternet,
      interpreterRequired: needs.interpreterRequired,
      bsl: needs.bsl,
      easyRead: needs.easyRead,
      largePrint: needs.largePrint,
      hearingLoss: needs.hearingLoss,
      sightLoss: needs.sightLoss,
      longerAppointment: needs.longerAppointment,
    },
    language: needs.language,
    carerHelps: needs.carerHelps ?? '',
    reasonableAdjustments: needs.reasonableAdjustments.join('\n'),
    safeToContactAtHome: needs.safeToContactAtHome ? 'yes' : 'no',
  };
}

const listOf = (fields: FormFields, name: string): string[] => {
  const value = fields[name];
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
};
const textOf = (fields: FormFields, name: string): string => listOf(fields, name).at(-1) ?? '';
const ticked = (fields: FormFields, name: string): boolean => ['yes', 'true', 'on'].includes(textOf(fields, name).trim().toLowerCase());

function valuesOfTyped(fields: FormFields): FormValues {
  const flags = Object.fromEntries((Object.keys(FLAG_TEXT) as Flag[]).map((flag) => [flag, ticked(fields, flag)])) as Record<Flag, boolean>;
  return {
    preferredChannels: listOf(fields, 'preferredChannels'),
    possibleChannels: listOf(fields, 'possibleChannels'),
    flags,
    language: textOf(fields, 'language'),
    carerHelps: textOf(fields, 'carerHelps'),
    reasonableAdjustments: listOf(fields, 'reasonableAdjustments').join('\n'),
    safeToContactAtHome: textOf(fields, 'safeToContactAtHome'),
  };
}

function languageItems(current: string): ChoiceItem[] {
  const items: ChoiceItem[] = COMMON_LANGUAGES.map((code) => ({ value: code, text: languageName(code) ?? code }));
  const [first, ...rest] = items;
  const sorted = [...(first !== undefined ? [first] : []), ...rest.sort((a, b) => a.text.localeCompare(b.text, 'en-GB'))];
  if (current !== '' && !sorted.some((item) => item.value === current)) sorted.push({ value: current, text: languageName(current) ?? current });
  return sorted;
}

function flagCheckbox(flag: Flag, voice: AccessNeedsVoice, checked: boolean, hint?: string): SafeHtml {
  return html`<div class="nhsuk-checkboxes__item">
        <input class="nhsuk-checkboxes__input" id="${flag}" name="${flag}" type="checkbox" value="yes"${checked ? html` checked` : html``}${hint !== undefined ? html` aria-describedby="${flag}-item-hint"` : html``}>
        <label class="nhsuk-label nhsuk-checkboxes__label" for="${flag}">${FLAG_TEXT[flag][voice]}</label>
        ${hint !== undefined ? html`<div class="nhsuk-hint nhsuk-checkboxes__hint" id="${flag}-item-hint">${hint}</div>` : html``}
      </div>`;
}

/** A fieldset of separate yes/no checkboxes (each its own field), with an error shown for any of them. */
function flagGroup(legend: string, hint: string | undefined, flags: readonly { flag: Flag; hint?: string }[], values: FormValues, voice: AccessNeedsVoice, errors: FieldErrors, id: string): SafeHtml {
  const messages = errors.filter((e) => flags.some((f) => f.flag === e.field));
  const hasError = messages.length > 0;
  return html`<div class="nhsuk-form-group${hasError ? ' nhsuk-form-group--error' : ''}">
  <fieldset class="nhsuk-fieldset"${hint !== undefined ? html` aria-describedby="${id}-hint"` : html``}>
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${legend}</legend>
    ${hint !== undefined ? html`<div class="nhsuk-hint" id="${id}-hint">${hint}</div>` : html``}
    ${messages.map((e) => html`<span class="nhsuk-error-message" id="${e.field}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${e.message}</span>`)}
    <div class="nhsuk-checkboxes">
      ${flags.map((f) => flagCheckbox(f.flag, voice, values.flags[f.flag], f.hint))}
    </div>
  </fieldset>
</div>`;
}

/** The `carerHelps` field: a choice of the person's carers, or the recorded carer kept as it is. */
function carerField(values: FormValues, options: AccessNeedsFieldsOptions, errors: FieldErrors): SafeHtml {
  const carers = options.carers ?? [];
  if (carers.length === 0) return values.carerHelps !== '' ? html`<input type="hidden" name="carerHelps" value="${values.carerHelps}">` : html``;
  const you = options.voice === 'person';
  const items: ChoiceItem[] = [{ value: '', text: you ? 'No one' : 'No carer helps them' }, ...carers.map((c) => ({ value: c.reference, text: c.name }))];
  if (values.carerHelps !== '' && !items.some((i) => i.value === values.carerHelps)) items.push({ value: values.carerHelps, text: 'The carer recorded before' });
  const o: SelectOptions = {
    id: 'carerHelps',
    label: you ? 'A carer who helps you' : 'A carer who helps them',
    hint: you ? 'We will know to involve them, as far as your consent allows.' : 'Staff will see who to involve, as far as the person’s consent allows.',
    items,
    value: values.carerHelps,
    errors,
  };
  return select(o);
}

/**
 * The form's fieldsets: channels, internet, language and interpreter, BSL, reading, hearing and
 * seeing, appointments and reasonable adjustments, carer, and whether it is safe to contact them
 * at home. `errors` are parseAccessNeedsForm's, shown beside their fields.
 */
export function renderAccessNeedsFields(needs: AccessNeeds, errors: FieldErrors, options: AccessNeedsFieldsOptions): SafeHtml {
  const values = options.typed !== undefined ? valuesOfTyped(options.typed) : valuesOfNeeds(needs);
  const voice = options.voice;
  const you = voice === 'person';
  const channelItems = (prefix: string): ChoiceItem[] =>
    CHANNEL_ORDER.map((c) => ({ value: c, text: CHANNEL_TEXT[c], ...(c === 'app' && prefix === 'preferred' ? { hint: 'Messages you can read after signing in to Kindred.' } : {}) }));

  return html`<h2 class="nhsuk-heading-m">How to contact ${you ? 'you' : 'them'}</h2>
${checkboxes({
  name: 'preferredChannels',
  legend: you ? 'How do you prefer us to contact you?' : 'How do they prefer to be contacted?',
  hint: 'Select all that apply. We try these first.',
  items: channelItems('preferred'),
  value: values.preferredChannels,
  errors,
})}
${checkboxes({
  name: 'possibleChannels',
  legend: you ? 'What other ways also work for you?' : 'What other ways also work for them?',
  hint: 'Select all that apply. We use these if the ones you prefer do not work.',
  items: channelItems('possible'),
  value: values.possibleChannels,
  errors,
})}
${flagGroup('Internet', undefined, [{ flag: 'noInternet', hint: you ? 'We will phone you or write to you instead.' : 'We will phone them or write to them instead.' }], values, voice, errors, 'internet')}
<h2 class="nhsuk-heading-m">Language</h2>
${select({
  id: 'language',
  label: you ? 'What language do you speak and read best?' : 'What language do they speak and read best?',
  items: languageItems(values.language),
  value: values.language,
  errors,
})}
${flagGroup(
  'Interpreting',
  you ? 'We book an interpreter for every appointment, phone calls included.' : 'An interpreter is booked for every appointment, phone calls included.',
  [{ flag: 'interpreterRequired' }, { flag: 'bsl' }],
  values,
  voice,
  errors,
  'interpreting',
)}
<h2 class="nhsuk-heading-m">Reading, hearing and seeing</h2>
${flagGroup(
  you ? 'What helps you?' : 'What helps them?',
  'Select all that apply.',
  [{ flag: 'easyRead' }, { flag: 'largePrint' }, { flag: 'hearingLoss' }, { flag: 'sightLoss' }],
  values,
  voice,
  errors,
  'reading',
)}
<h2 class="nhsuk-heading-m">Appointments</h2>
${flagGroup('Time', undefined, [{ flag: 'longerAppointment', hint: you ? 'For example, if you need more time to talk or to move around.' : 'For example, if they need more time to talk or to move around.' }], values, voice, errors, 'time')}
${textarea({
  id: 'reasonableAdjustments',
  label: you ? 'Anything else that would help you (optional)' : 'Other reasonable adjustments (optional)',
  hint: 'Write each one on a new line. For example: a quiet room, the first appointment of the day, a ground floor room.',
  value: values.reasonableAdjustments,
  errors,
  rows: 4,
})}
${carerField(values, options, errors)}
<h2 class="nhsuk-heading-m">Safety</h2>
${radios({
  name: 'safeToContactAtHome',
  legend: you ? 'Is it safe for us to contact you at home?' : 'Is it safe to contact them at home?',
  hint: you
    ? 'Say no if a letter, a phone call or a visit to your home could put you at risk. We will only use the ways and times you agree.'
    : 'Say no if a letter, a phone call or a visit to their home could put them at risk. Then only the number and times they agree are used.',
  items: [
    { value: 'yes', text: 'Yes' },
    { value: 'no', text: 'No' },
  ],
  value: values.safeToContactAtHome,
  errors,
  inline: true,
})}`;
}
