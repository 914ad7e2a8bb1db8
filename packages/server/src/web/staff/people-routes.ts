/**
 * The staff's people pages under /app/staff/people: find a person (GET ?q=), the person (GET
 * /:id), and their access needs (GET and POST /:id/needs). Every read and write goes through the
 * signed-in person's access-checked, audited record and the care services; a form that cannot
 * be saved comes back with status 400 (or 409 when someone else saved first), an error summary
 * and what was typed. Nothing here builds SQL or reaches an unchecked repository.
 */
import { parseAccessNeedsForm, readAccessNeeds, saveAccessNeeds, nameOf } from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CarerChoice } from '../shared/access-needs-form.ts';
import { fieldText, formOf, type WebDeps } from '../web-context.ts';
import { renderNeedsPage } from './people-needs-page.ts';
import type { PageContent } from './people-pages.ts';
import { renderPersonPage } from './people-person-page.ts';
import { renderPeopleSearchPage } from './people-search-page.ts';
import { readPersonRecord } from './people-record.ts';
import { personSearchOf, type PersonSearch } from './people-search.ts';
import { logicalIdOf, staffContextOf } from './people-staff.ts';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } as const;
const searchQuery = { type: 'object', properties: { q: { type: 'string', maxLength: 1000 }, cursor: { type: 'string', maxLength: 2000 } } } as const;

/** The carers of the person the form may name (RelatedPerson.patient); none when the role may not see them. */
async function carerChoices(record: Repository, patientId: string): Promise<CarerChoice[]> {
  try {
    const page = await record.search(parseSearchRequest('RelatedPerson', [['patient', `Patient/${patientId}`], ['_count', '20']], { handling: 'strict' }));
    return page.matches.map((rp) => ({ reference: `RelatedPerson/${rp.id}`, name: nameOf(rp) ?? 'Carer (name not recorded)' }));
  } catch (error) {
    if (isFhirError(error) && error.status === 403) return [];
    throw error;
  }
}

function notFound(): FhirError {
  return new FhirError('NOT_FOUND', 'There is no such person.');
}

export function peopleRoutes(deps: WebDeps) {
  return async function peoplePages(app: FastifyInstance): Promise<void> {
    const show = (request: FastifyRequest, reply: FastifyReply, status: number, page: PageContent): FastifyReply =>
      deps.send(reply, status, deps.render(request, { title: page.title, main: page.main, ...(page.errors !== undefined ? { errors: page.errors } : {}) }));

    app.get('/app/staff/people', { schema: { querystring: searchQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const query = request.query as { q?: string; cursor?: string };
      const now = Date.now();
      if (query.q === undefined) return show(request, reply, 200, renderPeopleSearchPage('', {}, now));
      const typed = query.q;
      const found: PersonSearch = personSearchOf(typed, query.cursor);
      if ('error' in found) return show(request, reply, 400, renderPeopleSearchPage(typed, { error: found.error }, now));
      let page;
      try {
        page = await ctx.record.search(found.search);
      } catch (error) {
        // a stale or altered paging link: start again from the first page
        if (isFhirError(error) && error.status === 400) return show(request, reply, 400, renderPeopleSearchPage(typed, { error: 'That page of results is no longer available. Search again.' }, now));
        throw error;
      }
      const base = `/app/staff/people?q=${encodeURIComponent(typed)}`;
      const results = {
        described: found.described,
        people: page.matches,
        ...(page.nextCursor !== undefined ? { nextHref: `${base}&cursor=${encodeURIComponent(page.nextCursor)}` } : {}),
        ...(query.cursor !== undefined && query.cursor !== '' ? { firstHref: base } : {}),
      };
      return show(request, reply, 200, renderPeopleSearchPage(typed, { results }, now));
    });

    app.get('/app/staff/people/:id', { schema: { params: idParams } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw notFound();
      const person = await readPersonRecord(ctx.record, id);
      const saved = (request.query as Record<string, unknown>).saved === 'needs';
      return show(request, reply, 200, renderPersonPage(person, { now: Date.now(), saved }));
    });

    app.get('/app/staff/people/:id/needs', { schema: { params: idParams } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw notFound();
      const [patient, carers] = await Promise.all([ctx.record.read('Patient', id), carerChoices(ctx.record, id)]);
      return show(request, reply, 200, renderNeedsPage({ patient, needs: readAccessNeeds(patient), carers, errors: [], csrf: ctx.viewer.csrf }));
    });

    app.post('/app/staff/people/:id/needs', { schema: { params: idParams } }, async (request, reply) => {
      deps.checkCsrf(request);
      const ctx = staffContextOf(deps, request);
      const id = logicalIdOf((request.params as { id: string }).id);
      if (id === undefined) throw notFound();
      const fields = formOf(request);
      const parsed = parseAccessNeedsForm(fields);
      const again = async (status: number, patient: StoredResource, state: { errors: { field: string; message: string }[]; changedMeanwhile?: boolean }): Promise<FastifyReply> => {
        const carers = await carerChoices(ctx.record, id);
        return show(request, reply, status, renderNeedsPage({ patient, needs: readAccessNeeds(patient), carers, typed: fields, csrf: ctx.viewer.csrf, ...state }));
      };
      if ('errors' in parsed) return again(400, await ctx.record.read('Patient', id), { errors: parsed.errors });
      const seen = fieldText(fields, 'version');
      try {
        await saveAccessNeeds(ctx.record, id, parsed.needs, seen !== '' ? { seenVersion: seen } : {});
      } catch (error) {
        if (isFhirError(error) && error.errorName === 'PRECONDITION_FAILED') {
          // the form again with what they typed, over the version now recorded, so a second save can succeed
          return again(409, await ctx.record.read('Patient', id), {
            errors: [{ field: 'changed-meanwhile', message: 'Someone else changed their details while you were editing. Check what is recorded now, then save again' }],
            changedMeanwhile: true,
          });
        }
        throw error;
      }
      return reply.header('Cache-Control', 'no-store').redirect(`/app/staff/people/${id}?saved=needs`, 303);
    });
  };
}
