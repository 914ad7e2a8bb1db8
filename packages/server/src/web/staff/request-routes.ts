/**
 * The request page and its forms (issue 4, "Triage and booking"):
 * - GET  /app/staff/requests/:id: the request (and this member of staff is registered as viewing it);
 * - POST /app/staff/requests/:id/assign: to me, to a colleague of the organisation, or back to it;
 * - POST /app/staff/requests/:id/notes: a triage note;
 * - POST /app/staff/requests/:id/outcome: reply (sent through the person's channel and recorded as a
 *   Communication), sign-post, refer, or close with a reason.
 * Every form carries the Task version the page showed: a change someone made meanwhile brings the
 * page back, with their change, a clear message and what was typed.
 *
 * Through the signed-in person's record and the care services only.
 */
import { APPOINTMENT_OFFER_CODE, TASK_CODE_SYSTEM, addTriageNote, assignRequest, recordOutcome, type TriageOutcome } from '@kindred/care';
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../components.ts';
import { fieldText, formOf, type FormFields, type WebContext, type WebDeps } from '../web-context.ts';
import { requestParams } from './booking-routes.ts';
import { loadRequest, type LoadedRequest } from './request-data.ts';
import { answerLines, notesOf, outcomeOf } from './request-facts.ts';
import { replyToPerson } from './request-outcomes.ts';
import { OutcomeForm, renderRequestPage, requestTitle, type RequestPageView } from './request-page.ts';
import { idOf, linkTo } from './staff-format.ts';
import { colleaguesOf, type Choice } from './staff-colleagues.ts';
import { orgParam } from './staff-organisation.ts';

/** Longest reply, note or reason: a message, not a letter of many pages. */
const MAX_TEXT = 2000;

/** Organisations a request can be referred to (not the one it is with). */
async function referTargetsOf(ctx: WebContext, organisationId: string): Promise<Choice[]> {
  const page = await ctx.record.search(parseSearchRequest('Organization', [['_sort', 'name'], ['_count', '100']], { handling: 'strict' }));
  return page.matches.filter((o) => o.id !== organisationId && typeof o.name === 'string').map((o) => ({ value: `Organization/${o.id}`, text: String(o.name) }));
}

/** Offers of times made for this request that wait for the person's choice. */
async function openOffersOf(ctx: WebContext, taskId: string): Promise<StoredResource[]> {
  const page = await ctx.record.search(
    parseSearchRequest('Task', [['part-of', `Task/${taskId}`], ['code', `${TASK_CODE_SYSTEM}|${APPOINTMENT_OFFER_CODE}`], ['status', 'requested'], ['_count', '10']], { handling: 'strict' }),
  );
  return page.matches;
}

interface PageExtras {
  values?: Record<string, string>;
  errors?: FieldError[];
  openForm?: OutcomeForm;
  done?: string;
}

async function requestView(deps: WebDeps, ctx: WebContext, loaded: LoadedRequest, extras: PageExtras): Promise<RequestPageView> {
  const organisationId = loaded.organisationId ?? loaded.workplace.current.id;
  const who = ctx.viewer.displayName;
  deps.viewers.viewing(loaded.task.id, who);
  const [colleagues, referTargets, offers] = await Promise.all([
    colleaguesOf(ctx, organisationId),
    loaded.facts.open ? referTargetsOf(ctx, organisationId) : Promise.resolve([]),
    loaded.facts.open ? openOffersOf(ctx, loaded.task.id) : Promise.resolve([]),
  ]);
  const byRole = new Map(colleagues.map((c) => [c.value, c.text]));
  const myRole = `PractitionerRole/${loaded.workplace.current.roleId}`;
  const owner = loaded.facts.owner;
  const assignedTo = owner?.startsWith('PractitionerRole/') ? (byRole.get(owner) ?? 'A member of staff') : undefined;
  const org = orgParam(loaded.workplace);
  const notes = notesOf(loaded.task).map((n) => ({ ...n, ...(n.author !== undefined && byRole.has(n.author) ? { author: byRole.get(n.author)! } : {}) }));
  return {
    requestId: loaded.task.id,
    version: loaded.task.meta.versionId,
    ...(org !== undefined ? { org } : {}),
    csrf: ctx.viewer.csrf,
    person: loaded.person,
    facts: loaded.facts,
    ...(loaded.submittedBy !== undefined ? { submittedBy: loaded.submittedBy } : {}),
    alsoViewing: deps.viewers.others(loaded.task.id, who),
    answers: answerLines(loaded.response, loaded.questionnaire),
    notes,
    ...(assignedTo !== undefined ? { assignedTo } : {}),
    assignedToMe: owner === myRole,
    colleagues: colleagues.filter((c) => c.value !== owner),
    referTargets,
    outcome: outcomeOf(loaded.task),
    offers: offers.map((o) => ({ href: linkTo(`/app/staff/offers/${encodeURIComponent(o.id)}`, org), ...(typeof o.authoredOn === 'string' ? { offeredOn: o.authoredOn } : {}) })),
    ...(extras.done !== undefined ? { done: extras.done } : {}),
    values: extras.values ?? {},
    ...(extras.errors !== undefined && extras.errors.length > 0 ? { errors: extras.errors } : {}),
    ...(extras.openForm !== undefined ? { openForm: extras.openForm } : {}),
  };
}

async function sendRequestPage(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, status: number, loaded: LoadedRequest, extras: PageExtras): Promise<FastifyReply> {
  const ctx = deps.contextOf(request);
  const view = await requestView(deps, ctx, loaded, extras);
  return deps.send(reply, status, deps.render(request, { title: requestTitle(view), main: renderRequestPage(view), ...(view.errors !== undefined ? { errors: view.errors } : {}) }));
}

function textsOf(fields: FormFields, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, fieldText(fields, n)]));
}

/**
 * Runs a change; a change made meanwhile by someone else (PRECONDITION_FAILED) or a refusal the
 * person can fix (INVALID_REQUEST, CONFLICT) comes back as an error on `field` and the page again.
 */
async function attempt(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  loaded: LoadedRequest,
  page: { field: string; values: Record<string, string>; openForm?: OutcomeForm },
  change: () => Promise<string>,
): Promise<FastifyReply> {
  const ctx = deps.contextOf(request);
  let done: string;
  try {
    done = await change();
  } catch (error) {
    if (!isFhirError(error) || !['PRECONDITION_FAILED', 'INVALID_REQUEST', 'CONFLICT'].includes(error.errorName)) throw error;
    // the page again as it is now, so they see the other person's change before trying again
    const fresh = await loadRequest(ctx, loaded.task.id, orgParam(loaded.workplace), Date.now());
    const status = error.errorName === 'INVALID_REQUEST' ? 400 : 409;
    const message = error.errorName === 'PRECONDITION_FAILED' ? 'Someone else changed this request while you had it open. Their change is shown below. Check it, then try again.' : error.message;
    return sendRequestPage(deps, request, reply, status, fresh, { values: page.values, errors: [{ field: page.field, message }], ...(page.openForm !== undefined ? { openForm: page.openForm } : {}) });
  }
  return reply.redirect(linkTo(`/app/staff/requests/${encodeURIComponent(loaded.task.id)}`, orgParam(loaded.workplace), { done }), 303);
}

const tooLong = (field: string, what: string): FieldError => ({ field, message: `${what} must be ${MAX_TEXT.toLocaleString('en-GB')} characters or fewer` });

export function requestRoutes(deps: WebDeps) {
  return async function requestPages(app: FastifyInstance): Promise<void> {
    const load = async (request: FastifyRequest, org: string | undefined): Promise<LoadedRequest> =>
      loadRequest(deps.contextOf(request), (request.params as { id: string }).id, org === '' ? undefined : org, Date.now());

    app.get('/app/staff/requests/:id', { schema: { params: requestParams } }, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const loaded = await load(request, typeof query.org === 'string' ? query.org : undefined);
      return sendRequestPage(deps, request, reply, 200, loaded, typeof query.done === 'string' ? { done: query.done } : {});
    });

    app.post('/app/staff/requests/:id/assign', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const fields = formOf(request);
      const loaded = await load(request, fieldText(fields, 'org'));
      const values = textsOf(fields, ['assignTo']);
      const choice = values.assignTo ?? '';
      const organisationId = loaded.organisationId ?? loaded.workplace.current.id;
      const colleagues = await colleaguesOf(deps.contextOf(request), organisationId);
      const owner =
        choice === 'me' ? `PractitionerRole/${loaded.workplace.current.roleId}` : choice === 'unassign' ? `Organization/${organisationId}` : colleagues.some((c) => c.value === choice) ? choice : undefined;
      if (owner === undefined) return sendRequestPage(deps, request, reply, 400, loaded, { values, errors: [{ field: 'assignTo', message: 'Choose who to assign the request to' }] });
      return attempt(deps, request, reply, loaded, { field: 'assignTo', values }, async () => {
        await assignRequest(deps.contextOf(request).record, loaded.task.id, owner, fieldText(fields, 'version'));
        return choice === 'unassign' ? 'unassigned' : 'assigned';
      });
    });

    app.post('/app/staff/requests/:id/notes', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const fields = formOf(request);
      const loaded = await load(request, fieldText(fields, 'org'));
      const values = textsOf(fields, ['note']);
      const note = (values.note ?? '').trim();
      if (note === '') return sendRequestPage(deps, request, reply, 400, loaded, { values, errors: [{ field: 'note', message: 'Write the note before saving it' }] });
      if (note.length > MAX_TEXT) return sendRequestPage(deps, request, reply, 400, loaded, { values, errors: [tooLong('note', 'The note')] });
      const by = { reference: loaded.workplace.practitioner, display: deps.contextOf(request).viewer.displayName };
      return attempt(deps, request, reply, loaded, { field: 'note', values }, async () => {
        await addTriageNote(deps.contextOf(request).record, loaded.task.id, note, by, fieldText(fields, 'version'));
        return 'note';
      });
    });

    app.post('/app/staff/requests/:id/outcome', { schema: { params: requestParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = deps.contextOf(request);
      const fields = formOf(request);
      const loaded = await load(request, fieldText(fields, 'org'));
      const values = textsOf(fields, ['reply', 'signPostTo', 'referTo', 'referToText', 'reason']);
      const kind = fieldText(fields, 'outcome');
      if (!(Object.values(OutcomeForm) as string[]).includes(kind)) return sendRequestPage(deps, request, reply, 400, loaded, { values, errors: [{ field: 'outcome', message: 'Choose what happens next' }] });
      const form = kind as OutcomeForm;
      const text = (name: string) => (values[name] ?? '').trim();
      const field = form === 'reply' ? 'reply' : form === 'sign-post' ? 'signPostTo' : form === 'refer' ? 'referTo' : 'reason';
      const again = (message: string) => sendRequestPage(deps, request, reply, 400, loaded, { values, errors: [{ field, message }], openForm: form });
      const by = { reference: loaded.workplace.practitioner, display: ctx.viewer.displayName };
      const base = { expectedVersion: fieldText(fields, 'version'), by, now: Date.now() };
      let outcome: TriageOutcome;
      switch (form) {
        case 'reply':
          if (text('reply') === '') return again(`Write your reply to ${loaded.person.firstName}`);
          if (text('reply').length > MAX_TEXT) return again(tooLong('reply', 'The reply').message);
          outcome = { ...base, kind: 'reply', replyText: text('reply') };
          break;
        case 'sign-post':
          if (text('signPostTo') === '') return again('Say where you are sign-posting them to');
          if (text('signPostTo').length > MAX_TEXT) return again(tooLong('signPostTo', 'Where to').message);
          outcome = { ...base, kind: 'sign-post', signPostTo: text('signPostTo') };
          break;
        case 'refer': {
          const chosen = text('referTo');
          if (chosen !== '' && idOf(chosen, 'Organization') === undefined) return again('Choose an organisation from the list');
          const to = chosen !== '' ? chosen : text('referToText');
          if (to === '') return again('Choose who to refer them to, or say who');
          if (to.length > MAX_TEXT) return again(tooLong('referTo', 'Who to refer to').message);
          outcome = { ...base, kind: 'refer', referTo: to };
          break;
        }
        case 'close':
          if (text('reason') === '') return again('Say why you are closing the request');
          if (text('reason').length > MAX_TEXT) return again(tooLong('reason', 'The reason').message);
          outcome = { ...base, kind: 'close', reason: text('reason') };
          break;
      }
      return attempt(deps, request, reply, loaded, { field, values, openForm: form }, async () => {
        // the outcome first (with If-Match): a request someone else has just changed sends nothing
        const saved = await recordOutcome(ctx.record, loaded.task.id, outcome);
        if (form !== 'reply') return form;
        const sent = await replyToPerson(deps, ctx, { ...loaded, task: saved }, text('reply'), `reply:${loaded.task.id}`);
        if (!sent.ok) return 'reply-not-sent';
        return sent.outcome.decision.kind === 'staff-phone' ? 'reply-phone' : 'reply';
      });
    });
  };
}
