/**
 * The person's readings pages as HTML (decision 0016): the form to send today's readings (only
 * their plan's measures, with hints and units), the result in plain words (their colour and, when
 * red, what to do now: the ward will call; 999 if very unwell), a kind page when they have no
 * plan, and, for a carer the policy does not let send readings, who can.
 *
 * Pure rendering: views in, pages out.
 */
import { RagColour, colourAdvice, type Measure, type VirtualWard } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, confirmation, form, insetText, warningCallout, type FieldError } from '../components.ts';
import { readingFields } from '../ward/readings-form.ts';
import type { FormFields } from '../web-context.ts';

/** The ward as the pages name it (its name and phone number). */
export type ReadingsWard = VirtualWard;

export interface ReadingsFormView {
  /** "you", or the person's name when a carer sends them */
  self: boolean;
  name: string;
  measures: readonly Measure[];
  ward: ReadingsWard;
  csrf: string;
  typed?: FormFields;
  errors?: readonly FieldError[];
}

export interface Page {
  title: string;
  main: SafeHtml;
  errors?: readonly FieldError[];
}

const callWard = (ward: ReadingsWard): string => (ward.phone !== undefined ? `call ${ward.name} on ${ward.phone}` : `call ${ward.name}`);

export function renderReadingsForm(view: ReadingsFormView): Page {
  const title = view.self ? 'Send your readings' : `Send ${view.name}'s readings`;
  const main = html`<h1>${title}</h1>
<p>${view.self ? 'Take your readings, then enter them here.' : `Enter the readings ${view.name} has just taken.`} Leave out anything you did not measure. ${view.ward.name} looks at every reading.</p>
${warningCallout('If you feel very unwell', html`<p>Call 999 now if you have severe difficulty breathing, chest pain, or you are confused or very drowsy. Do not wait to send readings.</p>`)}
${form('/app/person/readings', view.csrf, html`${readingFields(view.measures, view.typed ?? {}, view.errors ?? [], 'person')}${button('Send readings')}`)}`;
  return { title, main, ...(view.errors !== undefined && view.errors.length > 0 ? { errors: view.errors } : {}) };
}

export interface ReadingsResultView {
  self: boolean;
  name: string;
  colour: RagColour;
  ward: ReadingsWard;
  /** the same readings had already been sent: nothing new was stored */
  duplicate: boolean;
  /** how soon the ward promises to call after a red reading */
  responseMinutes: number;
}

/** What to do now, by colour: the monitoring service's own words, as in the message the person is sent. */
export function adviceFor(colour: RagColour, ward: ReadingsWard, responseMinutes: number): SafeHtml {
  const advice = colourAdvice(colour, ward, responseMinutes);
  if (colour === RagColour.red) {
    return html`<p>${advice}</p>
<p>Keep your phone with you. If nobody has called in ${responseMinutes} minutes, ${ward.phone !== undefined ? `phone ${ward.phone}` : `phone the ${ward.name} team`}.</p>`;
  }
  return html`<p>${advice}</p>${colour === RagColour.green ? html`<p>If you feel worse before then, ${callWard(ward)}. Call 999 if you feel very unwell.</p>` : html`<p>Call 999 if you feel very unwell.</p>`}`;
}

const COLOUR_WORDS: Readonly<Record<RagColour, string>> = { red: 'red', amber: 'amber', green: 'green' };

export function renderReadingsResult(view: ReadingsResultView): Page {
  const whose = view.self ? 'Your' : `${view.name}'s`;
  const heading = view.duplicate ? 'These readings were already sent' : 'Readings sent';
  const colourLine = `${whose} readings are ${COLOUR_WORDS[view.colour]}.`;
  const main = html`${view.colour === RagColour.red
    ? html`<h1>${colourLine} Act now</h1>${warningCallout('What to do now', adviceFor(view.colour, view.ward, view.responseMinutes))}`
    : html`${confirmation(heading, colourLine)}${adviceFor(view.colour, view.ward, view.responseMinutes)}`}
${view.duplicate ? insetText('We had these readings already, so they are stored once.') : html``}
<p><a href="/app/person/readings">Send more readings</a></p>`;
  return { title: view.colour === RagColour.red ? 'Your readings are red' : heading, main };
}

export function renderNoPlan(self: boolean, name: string): Page {
  const title = 'Readings';
  return {
    title,
    main: html`<h1>${title}</h1>
<p>${self ? 'You are not on a virtual ward at the moment, so there are no readings to send.' : `${name} is not on a virtual ward at the moment, so there are no readings to send.`}</p>
<p>If a doctor or nurse has asked ${self ? 'you' : 'them'} to send readings from home, they will set this up. If you think it should be set up already, contact the team who asked.</p>`,
  };
}

export function renderCarerCannotSend(name: string, ward: ReadingsWard): Page {
  const title = `${name}'s readings`;
  return {
    title,
    main: html`<h1>${title}</h1>
<p>Carers cannot send readings in Kindred for the person they care for here.</p>
<p>${name} can send them when signed in as themselves, or by text message. You can also ${callWard(ward)} and give the readings on the phone: the ward's staff will enter them.</p>
${insetText('Call 999 if they are very unwell.')}`,
  };
}
