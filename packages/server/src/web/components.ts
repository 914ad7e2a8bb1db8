/**
 * The NHS.UK design system's components as small render functions
 * (https://service-manual.nhs.uk/design-system/components): error summary, text input, textarea,
 * radios, checkboxes, select, buttons, summary list, table, tag, inset text and warning callout.
 * Each field shows its error beside it and keeps what the person typed. Pure: strings in, HTML
 * out; nothing here reads the record or a request.
 */
import { html, type SafeHtml } from '../pages/html.ts';

export interface FieldError {
  /** the id of the field the error is about (the error summary links to it) */
  field: string;
  message: string;
}

export type FieldErrors = readonly FieldError[];

const errorFor = (errors: FieldErrors | undefined, field: string): string | undefined => errors?.find((e) => e.field === field)?.message;

/** The error summary at the top of a form (it takes focus when the page loads, so a screen reader reads it first). */
export function errorSummary(errors: FieldErrors | undefined): SafeHtml {
  if (errors === undefined || errors.length === 0) return html``;
  return html`<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1" autofocus>
  <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
  <div class="nhsuk-error-summary__body">
    <ul class="nhsuk-list nhsuk-error-summary__list">
      ${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}
    </ul>
  </div>
</div>`;
}

function errorMessage(id: string, message: string | undefined): SafeHtml {
  return message === undefined ? html`` : html`<span class="nhsuk-error-message" id="${id}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${message}</span>`;
}

function describedBy(id: string, hint: string | undefined, error: string | undefined): SafeHtml {
  const ids = [hint !== undefined ? `${id}-hint` : '', error !== undefined ? `${id}-error` : ''].filter((x) => x !== '').join(' ');
  return ids === '' ? html`` : html` aria-describedby="${ids}"`;
}

const hintOf = (id: string, hint: string | undefined): SafeHtml => (hint === undefined ? html`` : html`<div class="nhsuk-hint" id="${id}-hint">${hint}</div>`);

export interface TextInputOptions {
  id: string;
  name?: string;
  label: string;
  hint?: string;
  value?: string;
  errors?: FieldErrors;
  type?: 'text' | 'email' | 'tel' | 'number' | 'date' | 'time' | 'password' | 'search';
  autocomplete?: string;
  /** NHS.UK input widths: 2, 3, 4, 5, 10, 20, 30 characters */
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30;
  inputmode?: 'numeric' | 'tel' | 'email' | 'text';
  /** a label styled as the page's heading (a one-question page) */
  labelIsPageHeading?: boolean;
}

function labelOf(id: string, label: string, isHeading: boolean | undefined): SafeHtml {
  return isHeading === true
    ? html`<h1 class="nhsuk-label-wrapper"><label class="nhsuk-label nhsuk-label--l" for="${id}">${label}</label></h1>`
    : html`<label class="nhsuk-label" for="${id}">${label}</label>`;
}

/** One labelled field: the form group with its label, hint and error, around the control `control` makes (given the field's error). */
function formGroup(o: { id: string; label: string; hint?: string; errors?: FieldErrors; labelIsPageHeading?: boolean }, control: (error: string | undefined) => SafeHtml): SafeHtml {
  const error = errorFor(o.errors, o.id);
  return html`<div class="nhsuk-form-group${error !== undefined ? ' nhsuk-form-group--error' : ''}">
  ${labelOf(o.id, o.label, o.labelIsPageHeading)}
  ${hintOf(o.id, o.hint)}
  ${errorMessage(o.id, error)}
  ${control(error)}
</div>`;
}

export function textInput(o: TextInputOptions): SafeHtml {
  const width = o.width !== undefined ? ` nhsuk-input--width-${o.width}` : '';
  return formGroup(
    o,
    (error) =>
      html`<input class="nhsuk-input${width}${error !== undefined ? ' nhsuk-input--error' : ''}" id="${o.id}" name="${o.name ?? o.id}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete !== undefined ? html` autocomplete="${o.autocomplete}"` : html``}${o.inputmode !== undefined ? html` inputmode="${o.inputmode}"` : html``}${describedBy(o.id, o.hint, error)}>`,
  );
}

export interface TextareaOptions {
  id: string;
  name?: string;
  label: string;
  hint?: string;
  value?: string;
  errors?: FieldErrors;
  rows?: number;
  maxLength?: number;
}

export function textarea(o: TextareaOptions): SafeHtml {
  return formGroup(
    o,
    (error) =>
      html`<textarea class="nhsuk-textarea${error !== undefined ? ' nhsuk-textarea--error' : ''}" id="${o.id}" name="${o.name ?? o.id}" rows="${o.rows ?? 5}"${o.maxLength !== undefined ? html` maxlength="${o.maxLength}"` : html``}${describedBy(o.id, o.hint, error)}>${o.value ?? ''}</textarea>`,
  );
}

export interface ChoiceItem {
  value: string;
  text: string;
  hint?: string;
}

export interface ChoiceOptions {
  /** the name of the field; the first item's id is this name, so an error summary can link to it */
  name: string;
  legend: string;
  /** the legend as the page's heading */
  legendIsPageHeading?: boolean;
  hint?: string;
  items: readonly ChoiceItem[];
  /** the chosen value(s) */
  value?: string | readonly string[];
  errors?: FieldErrors;
  inline?: boolean;
  small?: boolean;
}

function choices(kind: 'radios' | 'checkboxes', o: ChoiceOptions): SafeHtml {
  const error = errorFor(o.errors, o.name);
  const chosen = new Set(typeof o.value === 'string' ? [o.value] : (o.value ?? []));
  const type = kind === 'radios' ? 'radio' : 'checkbox';
  const legend =
    o.legendIsPageHeading === true
      ? html`<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l"><h1 class="nhsuk-fieldset__heading">${o.legend}</h1></legend>`
      : html`<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${o.legend}</legend>`;
  const modifiers = `${o.inline === true ? ` nhsuk-${kind}--inline` : ''}${o.small === true ? ` nhsuk-${kind}--small` : ''}`;
  return html`<div class="nhsuk-form-group${error !== undefined ? ' nhsuk-form-group--error' : ''}">
  <fieldset class="nhsuk-fieldset"${describedBy(o.name, o.hint, error)}>
    ${legend}
    ${hintOf(o.name, o.hint)}
    ${errorMessage(o.name, error)}
    <div class="nhsuk-${kind}${modifiers}">
      ${o.items.map((item, i) => {
        const id = i === 0 ? o.name : `${o.name}-${i + 1}`;
        return html`<div class="nhsuk-${kind}__item">
        <input class="nhsuk-${kind}__input" id="${id}" name="${o.name}" type="${type}" value="${item.value}"${chosen.has(item.value) ? html` checked` : html``}${item.hint !== undefined ? html` aria-describedby="${id}-item-hint"` : html``}>
        <label class="nhsuk-label nhsuk-${kind}__label" for="${id}">${item.text}</label>
        ${item.hint !== undefined ? html`<div class="nhsuk-hint nhsuk-${kind}__hint" id="${id}-item-hint">${item.hint}</div>` : html``}
      </div>`;
      })}
    </div>
  </fieldset>
</div>`;
}

export const radios = (o: ChoiceOptions): SafeHtml => choices('radios', o);
export const checkboxes = (o: ChoiceOptions): SafeHtml => choices('checkboxes', o);

export interface SelectOptions {
  id: string;
  label: string;
  hint?: string;
  items: readonly ChoiceItem[];
  value?: string;
  errors?: FieldErrors;
}

export function select(o: SelectOptions): SafeHtml {
  return formGroup(
    o,
    (error) => html`<select class="nhsuk-select${error !== undefined ? ' nhsuk-select--error' : ''}" id="${o.id}" name="${o.id}"${describedBy(o.id, o.hint, error)}>
    ${o.items.map((item) => html`<option value="${item.value}"${item.value === o.value ? html` selected` : html``}>${item.text}</option>`)}
  </select>`,
  );
}

/** A form that posts to `action` with its CSRF token; the body is the fields and buttons. */
export function form(action: string, csrf: string, body: SafeHtml | readonly SafeHtml[], options: { method?: 'post' | 'get'; id?: string } = {}): SafeHtml {
  const method = options.method ?? 'post';
  return html`<form action="${action}" method="${method}" novalidate${options.id !== undefined ? html` id="${options.id}"` : html``}>
  ${method === 'post' ? html`<input type="hidden" name="csrf" value="${csrf}">` : html``}
  ${body}
</form>`;
}

export function button(text: string, options: { secondary?: boolean; warning?: boolean; name?: string; value?: string } = {}): SafeHtml {
  const modifier = options.secondary === true ? ' nhsuk-button--secondary' : options.warning === true ? ' nhsuk-button--warning' : '';
  const named = options.name !== undefined ? html` name="${options.name}" value="${options.value ?? ''}"` : html``;
  return html`<button class="nhsuk-button${modifier}" data-module="nhsuk-button" type="submit"${named}>${text}</button>`;
}

export interface SummaryRow {
  key: string;
  value: SafeHtml | string;
  action?: { href: string; text: string; hidden: string };
}

export function summaryList(rows: readonly SummaryRow[]): SafeHtml {
  return html`<dl class="nhsuk-summary-list">
  ${rows.map(
    (row) => html`<div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">${row.key}</dt>
    <dd class="nhsuk-summary-list__value">${row.value}</dd>
    ${row.action !== undefined ? html`<dd class="nhsuk-summary-list__actions"><a href="${row.action.href}">${row.action.text}<span class="nhsuk-u-visually-hidden"> ${row.action.hidden}</span></a></dd>` : html``}
  </div>`,
  )}
</dl>`;
}

export function table(caption: string, head: readonly string[], rows: readonly (readonly (SafeHtml | string | number)[])[], options: { captionHidden?: boolean } = {}): SafeHtml {
  return html`<table class="nhsuk-table">
  <caption class="nhsuk-table__caption${options.captionHidden === true ? ' nhsuk-u-visually-hidden' : ''}">${caption}</caption>
  <thead class="nhsuk-table__head"><tr>${head.map((h) => html`<th scope="col" class="nhsuk-table__header">${h}</th>`)}</tr></thead>
  <tbody class="nhsuk-table__body">
    ${rows.map((cells) => html`<tr class="nhsuk-table__row">${cells.map((c) => html`<td class="nhsuk-table__cell">${c}</td>`)}</tr>`)}
  </tbody>
</table>`;
}

export const TagColour = { grey: 'grey', green: 'green', blue: 'blue', red: 'red', orange: 'orange', yellow: 'yellow', purple: 'purple', white: 'white' } as const;
export type TagColour = (typeof TagColour)[keyof typeof TagColour];

export function tag(text: string, colour?: TagColour): SafeHtml {
  return html`<strong class="nhsuk-tag${colour !== undefined ? ` nhsuk-tag--${colour}` : ''}">${text}</strong>`;
}

export function insetText(content: SafeHtml | string): SafeHtml {
  return html`<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">Information: </span>${content}</div>`;
}

export function warningCallout(heading: string, content: SafeHtml | string): SafeHtml {
  return html`<div class="nhsuk-warning-callout">
  <h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>${heading}</span></h3>
  ${content}
</div>`;
}

export function backLink(href: string, text = 'Back'): SafeHtml {
  return html`<div class="nhsuk-back-link"><a class="nhsuk-back-link__link" href="${href}">${text}</a></div>`;
}

/** A panel that confirms something was done (NHS.UK "confirmation panel"). */
export function confirmation(heading: string, body: SafeHtml | string): SafeHtml {
  return html`<div class="nhsuk-panel app-panel--confirmation" role="status"><h1 class="nhsuk-panel__title">${heading}</h1><div class="nhsuk-panel__body">${body}</div></div>`;
}
