/**
 * Pieces several staff pages share: the access needs callout that comes before any contact, the
 * person's line (name, age, NHS number), times as radios or checkboxes grouped by day, page links
 * and a "tabs as links" row. NHS.UK markup; pure rendering (data in, HTML out).
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { warningCallout, type FieldErrors } from '../components.ts';
import { dayText, londonDate, timeText } from './staff-format.ts';

/** "Before you contact Ann" and the person's access needs, most important first. Always shown, even when nothing is recorded. */
export function accessNeedsCallout(firstName: string, lines: readonly string[], carer?: string): SafeHtml {
  const all = [...lines, ...(carer !== undefined ? [`Carer: ${carer}`] : [])];
  return warningCallout(
    `Before you contact ${firstName}`,
    all.length === 0 ? html`<p>No access needs are recorded. Ask them how they would like to be contacted.</p>` : html`<ul class="nhsuk-list nhsuk-list--bullet">${all.map((l) => html`<li>${l}</li>`)}</ul>`,
  );
}

/** "Ann Smith, 54, NHS number 943 476 5919" as a small block. */
export function personLine(name: string, age: number | undefined, nhsNumber: string | undefined): SafeHtml {
  return html`<span class="app-person"><strong>${name}</strong>${age !== undefined ? html`<br><span class="nhsuk-body-s">${age} years old</span>` : html``}${
    nhsNumber !== undefined ? html`<br><span class="nhsuk-body-s">NHS number ${nhsNumber}</span>` : html``
  }</span>`;
}

export interface TimeChoice {
  id: string;
  start: string;
  end?: string;
  /** "phone", "video"… shown beside the time */
  modalityWords?: string;
}

export interface TimeGroupsOptions {
  name: string;
  kind: 'radios' | 'checkboxes';
  legend: string;
  hint?: string;
  times: readonly TimeChoice[];
  chosen: readonly string[];
  errors?: FieldErrors;
}

/** The id of the first time's input: an error about the times links here. */
export const firstTimeId = (name: string): string => name;

/**
 * Times grouped by London day, each day its own fieldset; all share one field name, so radios
 * stay one choice across days. The first input's id is the field's name (the error summary links to it).
 */
export function timeGroups(o: TimeGroupsOptions): SafeHtml {
  const error = o.errors?.find((e) => e.field === o.name)?.message;
  const days = new Map<string, TimeChoice[]>();
  for (const time of o.times) {
    const day = londonDate(time.start);
    days.set(day, [...(days.get(day) ?? []), time]);
  }
  const chosen = new Set(o.chosen);
  const type = o.kind === 'radios' ? 'radio' : 'checkbox';
  const described = [o.hint !== undefined ? `${o.name}-hint` : '', error !== undefined ? `${o.name}-error` : ''].filter((id) => id !== '').join(' ');
  let index = 0;
  return html`<div class="nhsuk-form-group${error !== undefined ? ' nhsuk-form-group--error' : ''}">
  <h2 class="nhsuk-heading-m">${o.legend}</h2>
  ${o.hint !== undefined ? html`<div class="nhsuk-hint" id="${o.name}-hint">${o.hint}</div>` : html``}
  ${error !== undefined ? html`<span class="nhsuk-error-message" id="${o.name}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${error}</span>` : html``}
  ${[...days.values()].map(
    (times) => html`<fieldset class="nhsuk-fieldset app-time-day"${described !== '' ? html` aria-describedby="${described}"` : html``}>
    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${dayText(times[0]!.start)}</legend>
    <div class="nhsuk-${o.kind} nhsuk-${o.kind}--small app-times">
      ${times.map((t) => {
        const id = index === 0 ? o.name : `${o.name}-${t.id}`;
        index += 1;
        return html`<div class="nhsuk-${o.kind}__item"><input class="nhsuk-${o.kind}__input" id="${id}" name="${o.name}" type="${type}" value="${t.id}"${chosen.has(t.id) ? html` checked` : html``}><label class="nhsuk-label nhsuk-${o.kind}__label" for="${id}">${timeText(t.start)}${t.end !== undefined ? html` to ${timeText(t.end)}` : html``}${t.modalityWords !== undefined ? html` (${t.modalityWords})` : html``}</label></div>`;
      })}
    </div>
  </fieldset>`,
  )}
</div>`;
}

export interface PageLinks {
  previous?: string;
  next?: string;
  /** "Page 2 of 7", or "Page 2" when the total is not known */
  label?: string;
}

/** NHS.UK pagination: previous and next links. */
export function pagination(links: PageLinks): SafeHtml {
  if (links.previous === undefined && links.next === undefined) return html``;
  return html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
  <ul class="nhsuk-list nhsuk-pagination__list">
    ${links.previous !== undefined ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${links.previous}"><span class="nhsuk-pagination__title">Previous</span><span class="nhsuk-u-visually-hidden">:</span> <span class="nhsuk-pagination__page">${links.label !== undefined ? 'Previous page' : ''}</span></a></li>` : html``}
    ${links.next !== undefined ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${links.next}"><span class="nhsuk-pagination__title">Next</span><span class="nhsuk-u-visually-hidden">:</span> <span class="nhsuk-pagination__page">${links.label !== undefined ? 'Next page' : ''}</span></a></li>` : html``}
  </ul>
  ${links.label !== undefined ? html`<p class="nhsuk-body-s">${links.label}</p>` : html``}
</nav>`;
}

export interface TabLink {
  href: string;
  text: string;
  count?: number;
  current: boolean;
}

/** Tabs as plain links (no JavaScript): the current one is marked for screen readers. */
export function tabLinks(label: string, tabs: readonly TabLink[]): SafeHtml {
  return html`<nav class="app-tabs" aria-label="${label}">
  <ul class="nhsuk-list app-tabs__list">
    ${tabs.map(
      (t) => html`<li class="app-tabs__item${t.current ? ' app-tabs__item--current' : ''}"><a class="app-tabs__link" href="${t.href}"${t.current ? html` aria-current="page"` : html``}>${t.text}${t.count !== undefined ? html` <span class="app-tabs__count">(${t.count})</span>` : html``}</a></li>`,
    )}
  </ul>
</nav>`;
}

/** A success message at the top of a page after a post/redirect/get (from ?done=). */
export function doneBanner(text: string | undefined): SafeHtml {
  return text === undefined ? html`` : html`<div class="nhsuk-inset-text app-done" role="status"><span class="nhsuk-u-visually-hidden">Done: </span><p>${text}</p></div>`;
}
