/**
 * Plan-do-study-act cycles' pages, rendered (pure): the list, the form to start or edit a cycle
 * (plan: title, change, what changed in Kindred, prediction, measures, the date of the change;
 * study: what happened and when it closed; act: adopt, adapt or abandon), and one cycle with its
 * measures, each linked to its chart with the change date offered as a rebase point.
 */
import { ACTS, ACT_NAMES, MEASURE_LIBRARY, measureById, type PdsaCycle } from '@kindred/insight';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, checkboxes, form, insetText, radios, select, summaryList, table, textInput, textarea, type FieldErrors } from '../components.ts';
import { doneBanner } from '../staff/staff-components.ts';
import { shortDateTimeText } from '../staff/staff-format.ts';
import { LOG, cycleHref, ideaHref, type Page } from './improvement-pages.ts';

/** What the cycle form holds, as typed. */
export interface CycleForm {
  title: string;
  change: string;
  changed: string;
  prediction: string;
  measures: readonly string[];
  changeDate: string;
  study: string;
  studyEnd: string;
  act: string;
}

export const EMPTY_CYCLE_FORM: CycleForm = { title: '', change: '', changed: '', prediction: '', measures: [], changeDate: '', study: '', studyEnd: '', act: '' };

export function formOfCycle(c: PdsaCycle): CycleForm {
  return {
    title: c.title,
    change: c.change,
    changed: c.changed ?? '',
    prediction: c.prediction,
    measures: c.measures,
    changeDate: c.changeDate ?? '',
    study: c.study ?? '',
    studyEnd: c.studyEnd ?? '',
    act: c.act ?? '',
  };
}

const measureTitle = (id: string): string => measureById(id)?.title ?? id;

/** The measure's chart, with the change date offered as the point to rebase its limits. */
export function measureLink(id: string, changeDate: string | undefined): string {
  const path = `/app/staff/insight/measures/${encodeURIComponent(id)}`;
  return changeDate === undefined ? path : `${path}?rebase=${encodeURIComponent(changeDate)}`;
}

const actText = (c: PdsaCycle): string => (c.act !== undefined ? ACT_NAMES[c.act] : 'Not decided yet');

export function renderCycleList(o: { cycles: readonly PdsaCycle[]; done?: string }): Page {
  return {
    title: 'Plan-do-study-act cycles',
    main: html`${doneBanner(o.done)}<div class="nhsuk-back-link"><a class="nhsuk-back-link__link" href="${LOG}">Innovation log</a></div>
<h1>Plan-do-study-act cycles</h1>
<p>Each cycle tests one change: what you predict, the measures that will show it, and what happened.</p>
<p><a class="nhsuk-button" href="${LOG}/cycles/new">Start a cycle</a></p>
${o.cycles.length === 0
  ? insetText('There are no cycles yet.')
  : table(
      'Plan-do-study-act cycles',
      ['Cycle', 'Team', 'Date of the change', 'Decision'],
      o.cycles.map((c) => [html`<a href="${cycleHref(c.id)}">${c.title}</a>`, c.owner.name, c.changeDate ?? 'Not set', actText(c)]),
      { captionHidden: true },
    )}`,
  };
}

export function renderCycleForm(o: { action: string; heading: string; typed: CycleForm; changeChoices: readonly { value: string; text: string }[]; ideaId?: string; ideaText?: string; errors?: FieldErrors; csrf: string; editing: boolean }): Page {
  const t = o.typed;
  const studyPart: SafeHtml = o.editing
    ? html`<h2>Study and act</h2>
${textarea({ id: 'study', label: 'What happened', hint: 'What the measures showed against your prediction, and anything else you learned.', value: t.study, rows: 5, maxLength: 4000, errors: o.errors })}
${textInput({ id: 'studyEnd', label: 'Date the study closed (optional)', hint: 'For example, 2026-12-14', value: t.studyEnd, width: 10, errors: o.errors })}
${radios({ name: 'act', legend: 'What next', items: [{ value: '', text: 'Not decided yet' }, ...ACTS.map((a) => ({ value: a, text: ACT_NAMES[a] }))], value: t.act, errors: o.errors })}`
    : html``;
  return {
    title: o.heading,
    ...(o.errors !== undefined && o.errors.length > 0 ? { errors: o.errors } : {}),
    main: html`<h1>${o.heading}</h1>
${o.ideaText !== undefined && o.ideaId !== undefined ? insetText(html`From the idea: <a href="${ideaHref(o.ideaId)}">${o.ideaText}</a>`) : html``}
${form(o.action, o.csrf, [
  o.ideaId !== undefined ? html`<input type="hidden" name="idea" value="${o.ideaId}">` : html``,
  html`<h2>Plan</h2>`,
  textInput({ id: 'title', label: 'Title', hint: 'A few words to find the cycle by.', value: t.title, width: 30, errors: o.errors }),
  textarea({ id: 'change', label: 'The change', hint: 'What you will do differently.', value: t.change, rows: 4, maxLength: 4000, errors: o.errors }),
  select({
    id: 'changed',
    label: 'What changed in Kindred (optional)',
    hint: 'A form people fill in, or a service\u2019s or clinic\u2019s capacity, when the change was made there.',
    items: [
      { value: '', text: 'Nothing in Kindred' },
      ...o.changeChoices,
      // a reference the list no longer offers (another organisation's, or removed) is kept as it was
      ...(t.changed !== '' && !o.changeChoices.some((c) => c.value === t.changed) ? [{ value: t.changed, text: t.changed }] : []),
    ],
    value: t.changed,
    errors: o.errors,
  }),
  textarea({ id: 'prediction', label: 'Your prediction', hint: 'What you expect to happen, and for whom.', value: t.prediction, rows: 3, maxLength: 4000, errors: o.errors }),
  checkboxes({ name: 'measures', legend: 'Measures that will show it', items: MEASURE_LIBRARY.map((m) => ({ value: m.id, text: m.title })), value: t.measures, errors: o.errors, small: true }),
  textInput({ id: 'changeDate', label: 'Date of the change', hint: 'The day the change went live, for example 2026-11-02. It is marked on the measures\u2019 charts.', value: t.changeDate, width: 10, errors: o.errors }),
  studyPart,
  button(o.editing ? 'Save the cycle' : 'Start the cycle'),
])}`,
  };
}

export function renderCycle(o: { cycle: PdsaCycle; ideaText?: string; done?: string }): Page {
  const c = o.cycle;
  return {
    title: c.title,
    main: html`${doneBanner(o.done)}<div class="nhsuk-back-link"><a class="nhsuk-back-link__link" href="${LOG}/cycles">Plan-do-study-act cycles</a></div>
<h1>${c.title}</h1>
${summaryList([
  ...(c.ideaId !== undefined ? [{ key: 'From the idea', value: html`<a href="${ideaHref(c.ideaId)}">${o.ideaText ?? 'The idea'}</a>` }] : []),
  { key: 'Team', value: c.owner.name },
  { key: 'The change', value: c.change },
  { key: 'What changed in Kindred', value: c.changed ?? 'Not recorded' },
  { key: 'Prediction', value: c.prediction === '' ? 'Not recorded' : c.prediction },
  { key: 'Date of the change', value: c.changeDate ?? 'Not set' },
  { key: 'What happened', value: c.study ?? 'Not studied yet' },
  ...(c.studyEnd !== undefined ? [{ key: 'Study closed', value: c.studyEnd }] : []),
  { key: 'What next', value: actText(c) },
  { key: 'Last changed', value: shortDateTimeText(c.lastUpdated) },
])}
<h2>Measures</h2>
${c.measures.length === 0
  ? html`<p>No measures chosen.</p>`
  : html`<ul class="nhsuk-list nhsuk-list--bullet">${c.measures.map(
      (m) => html`<li><a href="${measureLink(m, c.changeDate)}">${measureTitle(m)}</a>${c.changeDate !== undefined ? html`<span class="nhsuk-body-s"> (limits worked out again from ${c.changeDate})</span>` : html``}</li>`,
    )}</ul>`}
<p><a class="nhsuk-button nhsuk-button--secondary" href="${cycleHref(c.id)}/edit">Record the study or change the plan</a></p>`,
  };
}
