/**
 * The staff's messages page, GET /app/staff/messages (?calls= the call list's next page, ?page=
 * the outbox's page), and POST /app/staff/messages/calls/:id to record a call that was made.
 * Reads and writes go through the signed-in person's access-checked, audited record; the outbox
 * is read from the store but shown only where the record lets them see the message's
 * Communication. A form that cannot be saved is the page again (400, or 409 when someone else
 * recorded the call first) with an error summary and what was typed.
 */
import { FhirError, isFhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldText, formOf, type WebContext, type WebDeps } from '../web-context.ts';
import { CallOutcome, listStaffCalls, MAX_CALL_NOTE_LENGTH, recordStaffCall, visibleOutbox, type StaffCallPage } from './messages-call-list.ts';
import { renderMessagesPage, type CallFormState } from './messages-pages.ts';
import { logicalIdOf, staffContextOf } from './people-staff.ts';

const pageQuery = {
  type: 'object',
  properties: { calls: { type: 'string', maxLength: 2000 }, page: { type: 'string', maxLength: 6 }, recorded: { type: 'string', maxLength: 10 } },
} as const;
const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } as const;

interface PageOptions {
  status: number;
  cursor?: string;
  outboxPage: number;
  recorded?: boolean;
  refused?: CallFormState;
  notice?: string;
}

export function messagesRoutes(deps: WebDeps) {
  return async function messagesPages(app: FastifyInstance): Promise<void> {
    const show = async (request: FastifyRequest, reply: FastifyReply, ctx: WebContext, options: PageOptions): Promise<FastifyReply> => {
      let calls: StaffCallPage;
      let cursor = options.cursor;
      try {
        calls = await listStaffCalls(ctx.record, cursor);
      } catch (error) {
        // an altered or stale paging link: the first page instead
        if (!(isFhirError(error) && error.status === 400) || cursor === undefined) throw error;
        cursor = undefined;
        calls = await listStaffCalls(ctx.record);
      }
      const outbox = await visibleOutbox(ctx.record, deps.settings.store.outbox, options.outboxPage);
      const content = renderMessagesPage({
        calls,
        ...(cursor !== undefined && cursor !== '' ? { callsFirstHref: '/app/staff/messages#calls' } : {}),
        ...(calls.nextCursor !== undefined ? { callsNextHref: `/app/staff/messages?calls=${encodeURIComponent(calls.nextCursor)}#calls` } : {}),
        outbox,
        csrf: ctx.viewer.csrf,
        ...(options.recorded === true ? { recorded: true } : {}),
        ...(options.refused !== undefined ? { refused: options.refused } : {}),
        ...(options.notice !== undefined ? { notice: options.notice } : {}),
      });
      return deps.send(reply, options.status, deps.render(request, { title: content.title, main: content.main, ...(content.errors !== undefined ? { errors: content.errors } : {}) }));
    };

    app.get('/app/staff/messages', { schema: { querystring: pageQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const query = request.query as { calls?: string; page?: string; recorded?: string };
      const page = /^\d{1,6}$/.test(query.page ?? '') ? Number(query.page) : 1;
      return show(request, reply, ctx, { status: 200, outboxPage: page, ...(query.calls !== undefined ? { cursor: query.calls } : {}), recorded: query.recorded === 'yes' });
    });

    app.post('/app/staff/messages/calls/:id', { schema: { params: idParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw new FhirError('NOT_FOUND', 'There is no such message.');
      const fields = formOf(request);
      const outcome = fieldText(fields, `outcome-${id}`);
      const note = fieldText(fields, `note-${id}`);
      const errors: { field: string; message: string }[] = [];
      if (outcome !== CallOutcome.reached && outcome !== CallOutcome.noAnswer) errors.push({ field: `outcome-${id}`, message: 'Select whether you spoke to them' });
      if (note.trim().length > MAX_CALL_NOTE_LENGTH) errors.push({ field: `note-${id}`, message: `The note must be ${MAX_CALL_NOTE_LENGTH} characters or fewer` });
      if (errors.length > 0) return show(request, reply, ctx, { status: 400, outboxPage: 1, refused: { communicationId: id, errors, typed: fields } });
      const by = ctx.principal.kind === 'staff' ? `Practitioner/${ctx.principal.practitioner}` : '';
      const seen = fieldText(fields, 'version');
      try {
        await recordStaffCall(ctx.record, id, { outcome: outcome as CallOutcome, note, by, ...(seen !== '' ? { seenVersion: seen } : {}), now: Date.now() });
      } catch (error) {
        if (isFhirError(error) && (error.errorName === 'PRECONDITION_FAILED' || error.errorName === 'INVALID_REQUEST')) {
          return show(request, reply, ctx, { status: error.errorName === 'PRECONDITION_FAILED' ? 409 : 400, outboxPage: 1, notice: error.message });
        }
        throw error;
      }
      return reply.header('Cache-Control', 'no-store').redirect('/app/staff/messages?recorded=yes#calls', 303);
    });
  };
}
