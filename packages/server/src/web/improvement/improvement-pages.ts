/**
 * The innovation log's pages, rendered (pure: values in, NHS.UK markup out): the "report a problem
 * or an idea" form and what happened to it, the log by stage with a filter by team, and one idea
 * with its history, the form to move it on (for its team's staff) and its cycles.
 */
import { STAGES, STAGE_NAMES, type Idea, type PdsaCycle, type Stage, type Team } from '@kindred/insight';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, confirmation, form, insetText, radios, select, summaryList, table, tag, textarea, type FieldErrors, type TagColour } from '../components.ts';
import { doneBanner } from '../staff/staff-components.ts';
import { shortDateTimeText } from '../staff/staff-format.ts';

export const LOG = '/app/staff/improvement';
export const ideaHref = (id: string): string => `${LOG}/ideas/${encodeURIComponent(id)}`;
export const cycleHref = (id: string): string => `${LOG}/cycles/${encodeURIComponent(id)}`;

/** A path of the staff's app, safe to link to and to route by; undefined for anything else. */
export function staffPagePath(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 500) return undefined;
  return /^\/app\/staff(?:[/?#][^\s\\]*)?$/.test(value) && !value.startsWith('/app/staff//') ? value : undefined;
}

export interface Page {
  title: string;
  main: SafeHtml;
  errors?: FieldErrors;
}

const STAGE_COLOUR: Readonly<Record<Stage, TagColour>> = { idea: 'blue', test: 'yellow', adopt: 'green', drop: 'grey' };
export const stageTag = (stage: Stage): SafeHtml => tag(STAGE_NAMES[stage], STAGE_COLOUR[stage]);

const whenText = (iso: string | undefined): string => (iso === undefined || iso === '' ? 'Not recorded' : shortDateTimeText(iso));

/** The first line of an idea, for lists. */
function headline(description: string): string {
  const line = description.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}…` : line;
}

export function renderReportForm(o: { fromPage?: string; team?: Team; typed?: string; errors?: FieldErrors; csrf: string }): Page {
  return {
    title: 'Report a problem or an idea',
    ...(o.errors !== undefined && o.errors.length > 0 ? { errors: o.errors } : {}),
    main: html`<h1>Report a problem or an idea</h1>
<p>Tell the team that looks after this part of the service what you noticed or what you suggest. Do not include anything that identifies a patient or a person who uses the service.</p>
${o.fromPage !== undefined ? summaryList([{ key: 'Page', value: o.fromPage }, ...(o.team !== undefined ? [{ key: 'It will go to', value: o.team.name }] : [])]) : html``}
${form(`${LOG}/report`, o.csrf, [
  html`<input type="hidden" name="from" value="${o.fromPage ?? ''}">`,
  textarea({ id: 'description', label: 'What did you notice, or what do you suggest?', hint: 'For example, what went wrong or took too long, and what might make it better.', value: o.typed ?? '', errors: o.errors, rows: 6, maxLength: 2000 }),
  button('Send'),
])}`,
  };
}

export function renderReportSent(idea: Idea): Page {
  return {
    title: 'Your idea has been sent',
    main: html`${confirmation('Your idea has been sent', html`It has gone to <strong>${idea.owner.name}</strong>`)}
<p>They will see it in the innovation log, where it moves from idea to testing and then is adopted or dropped.</p>
<p><a href="${ideaHref(idea.id)}">Follow what happens to your idea</a></p>
${staffPagePath(idea.reportedFrom) !== undefined ? html`<p><a href="${idea.reportedFrom}">Go back to the page you were on</a></p>` : html``}`,
  };
}

export interface LogState {
  ideas: readonly Idea[];
  teams: readonly Team[];
  team?: string;
  done?: string;
}

export function renderLog(o: LogState): Page {
  const byStage = (stage: Stage) => o.ideas.filter((i) => i.stage === stage);
  const chosen = o.teams.find((t) => t.reference === o.team);
  return {
    title: 'Innovation log',
    main: html`${doneBanner(o.done)}<h1>Innovation log</h1>
<p>Problems and ideas reported by staff, from idea to testing, then adopted or dropped. <a href="${LOG}/report">Report a problem or an idea</a>. <a href="${LOG}/cycles">Plan-do-study-act cycles</a>.</p>
${form(LOG, '', [select({ id: 'team', label: 'Show the ideas of', items: [{ value: '', text: 'Every team' }, ...o.teams.map((t) => ({ value: t.reference, text: t.name }))], value: o.team ?? '' }), button('Show', { secondary: true })], { method: 'get' })}
${o.ideas.length === 0 ? insetText(chosen !== undefined ? `${chosen.name} has no ideas in the log yet.` : 'There are no ideas in the log yet.') : html``}
${STAGES.map((stage) => {
  const ideas = byStage(stage);
  return html`<h2 id="stage-${stage}">${STAGE_NAMES[stage]} (${ideas.length})</h2>
${ideas.length === 0
  ? html`<p class="nhsuk-body-s">None.</p>`
  : table(
      `${STAGE_NAMES[stage]}: ideas at this stage`,
      ['Idea', 'Team', 'Last changed'],
      ideas.map((i) => [html`<a href="${ideaHref(i.id)}">${headline(i.description) || 'An idea'}</a>`, i.owner.name, whenText(i.lastUpdated)]),
      { captionHidden: true },
    )}`;
})}`,
  };
}

export interface IdeaState {
  idea: Idea;
  cycles: readonly PdsaCycle[];
  /** whether the viewer is one of the owning team's staff */
  mayMove: boolean;
  /** names of the people in the history, by "Practitioner/id" */
  names: ReadonlyMap<string, string>;
  csrf: string;
  done?: string;
  errors?: FieldErrors;
  typed?: { stage?: string; note?: string; text?: string };
}

export function renderIdea(o: IdeaState): Page {
  const { idea } = o;
  const moveForm = o.mayMove
    ? html`<h2>Move this idea on</h2>${form(`${ideaHref(idea.id)}/stage`, o.csrf, [
        radios({ name: 'stage', legend: 'Stage', items: STAGES.map((s) => ({ value: s, text: STAGE_NAMES[s] })), value: o.typed?.stage ?? idea.stage, errors: o.errors }),
        textarea({ id: 'note', label: 'Why (optional)', value: o.typed?.note ?? '', rows: 3, maxLength: 2000, errors: o.errors }),
        button('Save the stage'),
      ])}`
    : insetText(`Only the staff of ${idea.owner.name} can move this idea on. You can add an update.`);
  return {
    title: 'An idea in the innovation log',
    ...(o.errors !== undefined && o.errors.length > 0 ? { errors: o.errors } : {}),
    main: html`${doneBanner(o.done)}<div class="nhsuk-back-link"><a class="nhsuk-back-link__link" href="${LOG}">Innovation log</a></div>
<h1>An idea in the innovation log</h1>
${summaryList([
  { key: 'Idea', value: idea.description },
  { key: 'Stage', value: stageTag(idea.stage) },
  { key: 'Team', value: idea.owner.name },
  { key: 'Reported', value: whenText(idea.reportedAt) },
  ...(idea.reportedFrom !== undefined
    ? [{ key: 'From the page', value: staffPagePath(idea.reportedFrom) !== undefined ? html`<a href="${idea.reportedFrom}">${idea.reportedFrom}</a>` : idea.reportedFrom }]
    : []),
])}
<h2>History</h2>
${idea.notes.length === 0
  ? html`<p>No updates yet.</p>`
  : html`<ol class="nhsuk-list app-history">${idea.notes.map(
      (n) => html`<li><p class="nhsuk-body-s nhsuk-u-margin-bottom-1">${whenText(n.time)}${n.author !== undefined ? html`, ${o.names.get(n.author) ?? 'a member of staff'}` : html``}</p><p>${n.text}</p></li>`,
    )}</ol>`}
${moveForm}
<h2>Add an update</h2>
${form(`${ideaHref(idea.id)}/notes`, o.csrf, [textarea({ id: 'text', label: 'Update', value: o.typed?.text ?? '', rows: 3, maxLength: 2000, errors: o.errors }), button('Add the update', { secondary: true })])}
<h2>Plan-do-study-act cycles</h2>
${o.cycles.length === 0
  ? html`<p>No cycles yet.</p>`
  : html`<ul class="nhsuk-list nhsuk-list--bullet">${o.cycles.map((c) => html`<li><a href="${cycleHref(c.id)}">${c.title}</a>${c.changeDate !== undefined ? `, changed ${c.changeDate}` : ''}</li>`)}</ul>`}
<p><a class="nhsuk-button nhsuk-button--secondary" href="${LOG}/cycles/new?idea=${encodeURIComponent(idea.id)}">Start a plan-do-study-act cycle</a></p>`,
  };
}
