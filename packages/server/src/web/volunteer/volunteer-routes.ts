/**
 * The volunteers' front door: the tasks offered to them (what the access policy lets a volunteer
 * see, and no more), and helping someone without internet to ask their GP practice for help
 * (assisted-request-routes.ts). Later issues add matching, reporting back and raising a concern.
 */
import { requestReference, requestStatusForPerson } from '@kindred/care';
import { FhirError, parseSearchRequest } from '@kindred/fhir';
import type { FastifyInstance } from 'fastify';
import { html } from '../../pages/html.ts';
import { confirmation, summaryList, table, tag } from '../components.ts';
import { textOf, type WebDeps } from '../web-context.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function volunteerRoutes(deps: WebDeps) {
  return async function volunteerPages(app: FastifyInstance): Promise<void> {
    app.get('/app/volunteer', async (request, reply) => {
      const ctx = deps.contextOf(request);
      if (ctx.principal.kind !== 'staff') throw new FhirError('ACCESS_DENIED', 'These pages are for volunteers.');
      const { matches } = await ctx.record.search(
        parseSearchRequest('Task', [['owner', `Practitioner/${ctx.principal.practitioner}`], ['status', 'requested,received,accepted,ready,in-progress'], ['_count', '25']], { handling: 'strict' }),
      );
      const main = html`<h1>Volunteering</h1>
      <p><a class="nhsuk-button" href="/app/volunteer/requests/new" draggable="false">Help someone ask their GP practice</a></p>
      <h2>Tasks offered to you</h2>
      ${matches.length === 0
        ? html`<p>No tasks are offered to you at the moment.</p>`
        : table('Tasks offered to you', ['Task', 'Status'], matches.map((t) => [textOf(t.description, 'Task'), tag(String(t.status), 'blue')]), { captionHidden: true })}`;
      return deps.send(reply, 200, deps.render(request, { title: 'Volunteering', main }));
    });

    app.get<{ Params: { id: string } }>('/app/volunteer/requests/sent/:id', async (request, reply) => {
      const ctx = deps.contextOf(request);
      if (!ID.test(request.params.id)) throw new FhirError('NOT_FOUND', 'There is no such request.');
      const task = await ctx.record.read('Task', request.params.id);
      const status = requestStatusForPerson(task);
      const main = html`${confirmation('Request sent', html`The reference is<br><strong>${requestReference(task)}</strong>`)}
      ${summaryList([{ key: 'What happens next', value: status.whatNext }])}
      <p>Tell the person the reference and when they will hear back. If they feel worse while they wait, they should call 111, or 999 in an emergency.</p>
      <p><a href="/app/volunteer">Back to the start</a></p>`;
      return deps.send(reply, 200, deps.render(request, { title: 'Request sent', main }));
    });
  };
}
