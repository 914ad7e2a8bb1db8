/**
 * GET /app/staff: the triage inbox of the signed-in member of staff's organisation (?org= when they
 * have roles at several), one tab (?tab=) and one page at a time (?at= the page's cursor, ?back= the
 * cursors of the pages before it, so "Previous" works without keeping anything on the server).
 *
 * Through the signed-in person's record and the care services (listInbox, inboxCounts) only.
 */
import { InboxFilter, inboxCounts, listInbox } from '@kindred/care';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';
import { inboxTitle, renderInboxPage } from './inbox-page.ts';
import { colleaguesOf } from './staff-colleagues.ts';
import { linkTo } from './staff-format.ts';
import { orgParam, staffWorkplace } from './staff-organisation.ts';

export const INBOX_PAGE_SIZE = 25;
/**
 * How long a member of staff's tab counts are reused. Counting a busy inbox reads thousands of
 * index rows; the rows of the page itself are always read afresh, and the counts are each
 * person's own (what their access lets them count), never shared between people, and forgotten
 * as soon as they change anything.
 */
export const COUNTS_FRESH_MS = 30_000;
/** how many earlier pages "Previous" can walk back through */
const MAX_BACK = 20;
const FIRST_PAGE = '-';
const CURSOR = /^[A-Za-z0-9_-]{1,2000}$/;

const inboxQuery = {
  type: 'object',
  properties: {
    org: { type: 'string', maxLength: 64 },
    tab: { type: 'string', maxLength: 20 },
    at: { type: 'string', maxLength: 2000 },
    back: { type: 'string', maxLength: 20_000 },
  },
} as const;

export function inboxRoutes(deps: WebDeps) {
  return async function inboxPages(app: FastifyInstance): Promise<void> {
    app.get('/app/staff', { schema: { querystring: inboxQuery } }, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const now = Date.now();
      const query = request.query as { org?: string; tab?: string; at?: string; back?: string };
      const workplace = await staffWorkplace(ctx.principal, ctx.record, query.org);
      const organisationId = workplace.current.id;
      const roleId = workplace.current.roleId;
      const filter = (Object.values(InboxFilter) as string[]).includes(query.tab ?? '') ? (query.tab as InboxFilter) : InboxFilter.all;
      const at = query.at !== undefined && CURSOR.test(query.at) ? query.at : undefined;
      const back = (query.back ?? '').split('~').filter((c) => c === FIRST_PAGE || CURSOR.test(c)).slice(-MAX_BACK);
      const [page, counts, colleagues] = await Promise.all([
        listInbox(ctx.record, { organisationId, filter, practitionerRoleId: roleId, now, count: INBOX_PAGE_SIZE, ...(at !== undefined ? { cursor: at } : {}) }),
        deps.remember(request, `inbox-counts\n${organisationId}\n${roleId}`, COUNTS_FRESH_MS, () => inboxCounts(ctx.record, organisationId, now, roleId)),
        colleaguesOf(ctx, organisationId),
      ]);
      const org = orgParam(workplace);
      const here = (params: Record<string, string | undefined>) => linkTo('/app/staff', org, { tab: filter === 'all' ? undefined : filter, ...params });
      const previousAt = back.at(-1);
      const view = {
        organisation: { id: organisationId, name: workplace.current.name },
        organisations: workplace.all.map((o) => ({ value: o.id, text: o.name })),
        filter,
        counts,
        rows: page.rows,
        staffNames: new Map(colleagues.map((c) => [c.value, c.text])),
        myRole: `PractitionerRole/${roleId}`,
        pageNumber: at === undefined ? 1 : back.length + 1,
        tabHref: (f: InboxFilter) => linkTo('/app/staff', org, { tab: f === 'all' ? undefined : f }),
        requestHref: (taskId: string) => linkTo(`/app/staff/requests/${encodeURIComponent(taskId)}`, org),
        ...(at !== undefined ? { previous: here({ at: previousAt === FIRST_PAGE ? undefined : previousAt, back: back.slice(0, -1).join('~') || undefined }) } : {}),
        ...(page.nextCursor !== undefined ? { next: here({ at: page.nextCursor, back: [...back, at ?? FIRST_PAGE].slice(-MAX_BACK).join('~') }) } : {}),
      };
      return deps.send(reply, 200, deps.render(request, { title: inboxTitle(view), main: renderInboxPage(view) }));
    });
  };
}
