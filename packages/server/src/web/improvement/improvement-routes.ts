/**
 * The innovation log and plan-do-study-act cycles for staff (GET and POST under
 * /app/staff/improvement): "report a problem or an idea" from any staff page (routed by the table
 * in the store's settings to the team that owns that page, and the reporter told which team it went
 * to), the log by stage with a filter by team, one idea with its history, moving it on (its team's
 * staff) and updates, and cycles: list, start (from an idea or not), view and edit the study and act.
 *
 * Every read and write goes through the signed-in person's access-checked, audited record and the
 * improvement service in @kindred/insight; each form checks its CSRF token, comes back with status
 * 400, the errors linked to their fields and what was typed, and redirects when saved. No SQL here.
 */
import {
  ACTS,
  STAGES,
  addIdeaNote,
  cycleProblems,
  listCycles,
  listIdeas,
  loadRoutingTable,
  moveIdea,
  ownsIdea,
  readCycle,
  readIdea,
  reportIdea,
  routeIdea,
  startCycle,
  updateCycle,
  MAX_IDEA_LENGTH,
  type CycleFields,
  type Idea,
  type StaffMember,
  type Team,
} from '@kindred/insight';
import { FhirError, isFhirError } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../components.ts';
import { staffContextOf } from '../staff/people-staff.ts';
import { rolesByOrganisation } from '../staff/staff-organisation.ts';
import { fieldList, fieldText, formOf, type FormFields, type WebContext, type WebDeps } from '../web-context.ts';
import { changeChoices } from './change-choices.ts';
import { EMPTY_CYCLE_FORM, formOfCycle, renderCycle, renderCycleForm, renderCycleList, type CycleForm } from './cycle-pages.ts';
import { LOG, cycleHref, ideaHref, renderIdea, renderLog, renderReportForm, renderReportSent, staffPagePath, type Page } from './improvement-pages.ts';

const ID = { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: ID } } as const;
const TEXT = { type: 'string', maxLength: 500 } as const;
const reportQuery = { type: 'object', properties: { from: TEXT } } as const;
const logQuery = { type: 'object', properties: { team: TEXT, done: TEXT } } as const;
const newCycleQuery = { type: 'object', properties: { idea: TEXT } } as const;
const doneQuery = { type: 'object', properties: { done: TEXT } } as const;

const DONE: Readonly<Record<string, string>> = {
  stage: 'The stage has been saved.',
  note: 'Your update has been added.',
  started: 'The cycle has started.',
  saved: 'The cycle has been saved.',
};

const queryText = (request: FastifyRequest, name: string): string | undefined => {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const doneText = (request: FastifyRequest): string | undefined => DONE[queryText(request, 'done') ?? ''];

/** The signed-in member of staff as the improvement service knows them: their first role and every organisation. */
function memberOf(ctx: WebContext): StaffMember {
  const roles = rolesByOrganisation(ctx.principal);
  const first = roles[0];
  if (ctx.principal.kind !== 'staff' || first === undefined) {
    throw new FhirError('ACCESS_DENIED', 'Your account has no current role at an organisation. Ask the people who run Kindred in your area to add your role.');
  }
  return { role: `PractitionerRole/${first.roleId}`, practitioner: `Practitioner/${ctx.principal.practitioner}`, organisations: roles.map((r) => `Organization/${r.organisationId}`) };
}

async function personName(record: Repository, reference: string): Promise<string | undefined> {
  const [type, id] = reference.split('/');
  if (type !== 'Practitioner' || id === undefined) return undefined;
  try {
    const person = await record.read('Practitioner', id);
    const name = (person.name as { given?: string[]; family?: string; text?: string }[] | undefined)?.[0];
    const words = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
    return words === '' ? undefined : words;
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return undefined;
    throw error;
  }
}

async function namesOf(record: Repository, idea: Idea): Promise<Map<string, string>> {
  const authors = [...new Set(idea.notes.flatMap((n) => (n.author !== undefined ? [n.author] : [])))];
  const names = await Promise.all(authors.map(async (a) => [a, await personName(record, a)] as const));
  return new Map(names.filter((n): n is readonly [string, string] => n[1] !== undefined));
}

/**
 * The staff frame's link names the page by its path only; the browser's Referer, when it is that
 * same page of this site, adds its query (which ward, which organisation), so the idea is routed
 * as precisely as the page was.
 */
function withRefererQuery(request: FastifyRequest, fromPage: string | undefined): string | undefined {
  const referer = request.headers.referer;
  if (fromPage === undefined || typeof referer !== 'string' || fromPage.includes('?')) return fromPage;
  try {
    const url = new URL(referer);
    if (url.host !== request.headers.host || url.pathname !== fromPage || url.search === '') return fromPage;
    return staffPagePath(`${url.pathname}${url.search}`) ?? fromPage;
  } catch {
    return fromPage;
  }
}

function teamsOf(ideas: readonly Idea[]): Team[] {
  const teams = new Map<string, Team>();
  for (const idea of ideas) if (idea.owner.reference !== '') teams.set(idea.owner.reference, idea.owner);
  return [...teams.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function typedCycle(fields: FormFields): CycleForm {
  return {
    title: fieldText(fields, 'title'),
    change: fieldText(fields, 'change'),
    changed: fieldText(fields, 'changed').trim(),
    prediction: fieldText(fields, 'prediction'),
    measures: fieldList(fields, 'measures'),
    changeDate: fieldText(fields, 'changeDate').trim(),
    study: fieldText(fields, 'study'),
    studyEnd: fieldText(fields, 'studyEnd').trim(),
    act: fieldText(fields, 'act'),
  };
}

/** The cycle's fields from the form, or the errors by field. */
function cycleFieldsOf(typed: CycleForm): { fields: CycleFields; errors: FieldError[] } {
  const act = ACTS.find((a) => a === typed.act);
  const fields: CycleFields = {
    title: typed.title,
    change: typed.change,
    prediction: typed.prediction,
    measures: typed.measures,
    ...(typed.changeDate !== '' ? { changeDate: typed.changeDate } : {}),
    ...(typed.changed !== '' ? { changed: typed.changed } : {}),
    ...(typed.study.trim() !== '' || act !== undefined ? { study: typed.study } : {}),
    ...(typed.studyEnd !== '' ? { studyEnd: typed.studyEnd } : {}),
    ...(act !== undefined ? { act } : {}),
  };
  const errors: FieldError[] = cycleProblems(fields).map((p) => ({ field: p.field, message: p.message }));
  if (typed.act !== '' && act === undefined) errors.push({ field: 'act', message: 'Choose what to do next' });
  return { fields, errors };
}

export function improvementRoutes(deps: WebDeps) {
  return async function improvementPages(app: FastifyInstance): Promise<void> {
    const show = (request: FastifyRequest, reply: FastifyReply, status: number, page: Page): FastifyReply =>
      deps.send(reply, status, deps.render(request, { title: page.title, main: page.main, ...(page.errors !== undefined && page.errors.length > 0 ? { errors: page.errors } : {}) }));

    const teamFor = async (ctx: WebContext, fromPage: string | undefined): Promise<Team> => {
      const { table } = await loadRoutingTable(deps.settings.store.settings);
      return routeIdea(ctx.record, table, { fromPage: fromPage ?? LOG, reporterOrganisations: memberOf(ctx).organisations });
    };

    // ---- report a problem or an idea ----

    app.get(`${LOG}/report`, { schema: { querystring: reportQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const fromPage = withRefererQuery(request, staffPagePath(queryText(request, 'from')));
      const team = await teamFor(ctx, fromPage);
      return show(request, reply, 200, renderReportForm({ ...(fromPage !== undefined ? { fromPage } : {}), team, csrf: ctx.viewer.csrf }));
    });

    app.post(`${LOG}/report`, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const fields = formOf(request);
      const fromPage = staffPagePath(fieldText(fields, 'from') || undefined);
      const description = fieldText(fields, 'description');
      const team = await teamFor(ctx, fromPage);
      const errors: FieldError[] = [];
      if (description.trim() === '') errors.push({ field: 'description', message: 'Say what you noticed or what you suggest' });
      else if (description.length > MAX_IDEA_LENGTH) errors.push({ field: 'description', message: `Your idea must be ${MAX_IDEA_LENGTH} characters or fewer` });
      if (errors.length > 0) {
        return show(request, reply, 400, renderReportForm({ ...(fromPage !== undefined ? { fromPage } : {}), team, typed: description, errors, csrf: ctx.viewer.csrf }));
      }
      const idea = await reportIdea(ctx.record, { description, reporter: memberOf(ctx), owner: team, ...(fromPage !== undefined ? { reportedFrom: fromPage } : {}) });
      return reply.redirect(`${ideaHref(idea.id)}/sent`, 303);
    });

    app.get(`${LOG}/ideas/:id/sent`, { schema: { params: idParams } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      return show(request, reply, 200, renderReportSent(await readIdea(ctx.record, id)));
    });

    // ---- the log and one idea ----

    app.get(LOG, { schema: { querystring: logQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const team = queryText(request, 'team');
      const all = await listIdeas(ctx.record);
      const ideas = team === undefined ? all : all.filter((i) => i.owner.reference === team);
      const done = doneText(request);
      return show(request, reply, 200, renderLog({ ideas, teams: teamsOf(all), ...(team !== undefined ? { team } : {}), ...(done !== undefined ? { done } : {}) }));
    });

    const ideaPage = async (request: FastifyRequest, id: string, state: { done?: string; errors?: FieldError[]; typed?: { stage?: string; note?: string; text?: string } } = {}): Promise<Page> => {
      const ctx = staffContextOf(deps, request);
      const idea = await readIdea(ctx.record, id);
      const [cycles, mayMove, names] = await Promise.all([listCycles(ctx.record, { ideaId: id }), ownsIdea(ctx.record, idea, memberOf(ctx)), namesOf(ctx.record, idea)]);
      return renderIdea({ idea, cycles, mayMove, names, csrf: ctx.viewer.csrf, ...state });
    };

    app.get(`${LOG}/ideas/:id`, { schema: { params: idParams, querystring: doneQuery } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const done = doneText(request);
      return show(request, reply, 200, await ideaPage(request, id, done !== undefined ? { done } : {}));
    });

    app.post(`${LOG}/ideas/:id/stage`, { schema: { params: idParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      const fields = formOf(request);
      const stage = STAGES.find((s) => s === fieldText(fields, 'stage'));
      const note = fieldText(fields, 'note');
      if (stage === undefined) {
        return show(request, reply, 400, await ideaPage(request, id, { errors: [{ field: 'stage', message: 'Choose a stage' }], typed: { note } }));
      }
      await moveIdea(ctx.record, id, { stage, by: memberOf(ctx), note });
      return reply.redirect(`${ideaHref(id)}?done=stage`, 303);
    });

    app.post(`${LOG}/ideas/:id/notes`, { schema: { params: idParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      const text = fieldText(formOf(request), 'text');
      if (text.trim() === '') return show(request, reply, 400, await ideaPage(request, id, { errors: [{ field: 'text', message: 'Write the update you want to add' }], typed: { text } }));
      await addIdeaNote(ctx.record, id, { text, by: memberOf(ctx) });
      return reply.redirect(`${ideaHref(id)}?done=note`, 303);
    });

    // ---- cycles ----

    app.get(`${LOG}/cycles`, { schema: { querystring: doneQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const done = doneText(request);
      return show(request, reply, 200, renderCycleList({ cycles: await listCycles(ctx.record), ...(done !== undefined ? { done } : {}) }));
    });

    /** The idea a new cycle comes from, when the id names one. */
    const ideaOrNone = async (ctx: WebContext, id: string | undefined): Promise<Idea | undefined> => {
      if (id === undefined || !/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return undefined;
      return readIdea(ctx.record, id);
    };

    const choicesFor = (ctx: WebContext) => changeChoices(ctx.record, memberOf(ctx).organisations);

    const newCycleForm = async (ctx: WebContext, idea: Idea | undefined, typed: CycleForm, errors?: FieldError[]): Promise<Page> =>
      renderCycleForm({
        action: `${LOG}/cycles`,
        heading: 'Start a plan-do-study-act cycle',
        typed,
        changeChoices: await choicesFor(ctx),
        ...(idea !== undefined ? { ideaId: idea.id, ideaText: idea.description } : {}),
        ...(errors !== undefined ? { errors } : {}),
        csrf: ctx.viewer.csrf,
        editing: false,
      });

    app.get(`${LOG}/cycles/new`, { schema: { querystring: newCycleQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const idea = await ideaOrNone(ctx, queryText(request, 'idea'));
      return show(request, reply, 200, await newCycleForm(ctx, idea, EMPTY_CYCLE_FORM));
    });

    app.post(`${LOG}/cycles`, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const fields = formOf(request);
      const idea = await ideaOrNone(ctx, fieldText(fields, 'idea') || undefined);
      const typed = typedCycle(fields);
      const { fields: cycle, errors } = cycleFieldsOf({ ...typed, study: '', studyEnd: '', act: '' });
      if (errors.length > 0) return show(request, reply, 400, await newCycleForm(ctx, idea, typed, errors));
      const member = memberOf(ctx);
      const owner = idea?.owner ?? (await teamFor(ctx, undefined));
      const started = await startCycle(ctx.record, { ...cycle, reporter: member, owner, ...(idea !== undefined ? { ideaId: idea.id } : {}) });
      return reply.redirect(`${cycleHref(started.id)}?done=started`, 303);
    });

    const ideaTextOf = async (ctx: WebContext, ideaId: string | undefined): Promise<string | undefined> => {
      if (ideaId === undefined) return undefined;
      try {
        return (await readIdea(ctx.record, ideaId)).description;
      } catch (error) {
        if (isFhirError(error) && error.status < 500) return undefined;
        throw error;
      }
    };

    app.get(`${LOG}/cycles/:id`, { schema: { params: idParams, querystring: doneQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      const cycle = await readCycle(ctx.record, id);
      const ideaText = await ideaTextOf(ctx, cycle.ideaId);
      const done = doneText(request);
      return show(request, reply, 200, renderCycle({ cycle, ...(ideaText !== undefined ? { ideaText } : {}), ...(done !== undefined ? { done } : {}) }));
    });

    const editForm = async (ctx: WebContext, id: string, typed: CycleForm, errors?: FieldError[]): Promise<Page> =>
      renderCycleForm({ action: cycleHref(id), heading: 'Record the study or change the plan', typed, changeChoices: await choicesFor(ctx), ...(errors !== undefined ? { errors } : {}), csrf: ctx.viewer.csrf, editing: true });

    app.get(`${LOG}/cycles/:id/edit`, { schema: { params: idParams } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      return show(request, reply, 200, await editForm(ctx, id, formOfCycle(await readCycle(ctx.record, id))));
    });

    app.post(`${LOG}/cycles/:id`, { schema: { params: idParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      await readCycle(ctx.record, id);
      const typed = typedCycle(formOf(request));
      const { fields, errors } = cycleFieldsOf(typed);
      if (errors.length > 0) return show(request, reply, 400, await editForm(ctx, id, typed, errors));
      await updateCycle(ctx.record, id, fields);
      return reply.redirect(`${cycleHref(id)}?done=saved`, 303);
    });
  };
}
