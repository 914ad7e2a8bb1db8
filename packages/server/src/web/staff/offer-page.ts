/**
 * Recording a person's reply to an offer of appointment times: the times offered (those taken
 * since by someone else are said plainly), and which one they chose. The person's access needs
 * come first, as before any contact.
 *
 * Pure rendering: a view in, HTML out. The handlers are in offer-routes.ts.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, insetText, type FieldErrors } from '../components.ts';
import { accessNeedsCallout, timeGroups, type TimeChoice } from './staff-components.ts';
import { dateTimeText, linkTo } from './staff-format.ts';

export interface OfferView {
  taskId: string;
  org?: string;
  csrf: string;
  person: { name: string; firstName: string; needsLines: readonly string[]; carer?: string };
  /** the request the offer answers, for the links back */
  requestId?: string;
  offeredOn?: string;
  answered: boolean;
  /** the free offered times */
  times: readonly TimeChoice[];
  /** offered times taken since by someone else */
  taken: readonly string[];
  chosen?: string;
  errors?: FieldErrors;
}

export const offerTitle = (view: Pick<OfferView, 'person'>): string => `Record ${view.person.name}'s choice of time`;

export function renderOfferPage(view: OfferView): SafeHtml {
  const back = view.requestId !== undefined ? linkTo(`/app/staff/requests/${encodeURIComponent(view.requestId)}`, view.org) : linkTo('/app/staff', view.org);
  const bookOther = view.requestId !== undefined ? linkTo(`/app/staff/requests/${encodeURIComponent(view.requestId)}/book`, view.org) : undefined;
  return html`${backLink(back, view.requestId !== undefined ? 'Back to the request' : 'Back to the inbox')}
<h1 class="nhsuk-heading-l">${offerTitle(view)}</h1>
${accessNeedsCallout(view.person.firstName, view.person.needsLines, view.person.carer)}
${view.offeredOn !== undefined ? html`<p class="nhsuk-body">These times were offered on ${dateTimeText(view.offeredOn)}.</p>` : html``}
${
  view.answered
    ? insetText(html`<p>This offer has already been answered. Look at their appointments to see the time booked.</p>`)
    : html`${
        view.taken.length > 0 ? insetText(html`<p>Taken since by someone else: ${view.taken.map((t) => dateTimeText(t)).join('; ')}.</p>`) : html``
      }${
        view.times.length === 0
          ? html`<p class="nhsuk-body">None of the times offered is free any more.${bookOther !== undefined ? html` <a href="${bookOther}">Book another time</a>.` : html``}</p>`
          : form(
              `/app/staff/offers/${encodeURIComponent(view.taskId)}`,
              view.csrf,
              html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}
  ${timeGroups({ name: 'slot', kind: 'radios', legend: `Which time did ${view.person.firstName} choose?`, times: view.times, chosen: view.chosen !== undefined ? [view.chosen] : [], ...(view.errors !== undefined ? { errors: view.errors } : {}) })}
  ${button('Book this time')}`,
            )
      }${bookOther !== undefined ? html`<p class="nhsuk-body"><a href="${bookOther}">None of these suits them: book another time</a></p>` : html``}`
}`;
}
