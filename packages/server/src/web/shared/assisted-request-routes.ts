/**
 * A request filled in by someone else for the person (issue 4, "who is this request for, and who
 * is filling it in"): a receptionist on the phone or at the desk, or a volunteer helping someone
 * without internet. First find the person and say how they got in touch; then the same form as the
 * person's own (request-journey.ts), so the answers are the same data; the request records who
 * submitted it, the route and why.
 */
import { RequestRoute, nameOf } from '@kindred/care';
import { FhirError, NHS_NUMBER_SYSTEM, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { html } from '../../pages/html.ts';
import { button, radios, textInput } from '../components.ts';
import type { FrontDoor } from '../web-layout.ts';
import { createRequestJourney, type RequestSubject } from './request-journey.ts';
import { fieldText, formOf, type WebDeps } from '../web-context.ts';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const NHS_NUMBER = /^\d{10}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ROUTE_WORDS = { phone: 'They phoned', 'in-person': 'They came in person', 'online-assisted': 'I am helping them online' } as const;
type AssistedRoute = keyof typeof ROUTE_WORDS;

function routesFor(door: FrontDoor): AssistedRoute[] {
  return door === 'volunteer' ? ['online-assisted'] : ['phone', 'in-person'];
}

/** The FHIR search for a person: an NHS number, a date of birth, or a name (FHIR string search: starts with, any case). */
export function personSearch(query: string): [string, string][] {
  const q = query.trim();
  const compact = q.replace(/\s+/g, '');
  if (NHS_NUMBER.test(compact)) return [['identifier', `${NHS_NUMBER_SYSTEM}|${compact}`]];
  if (DATE.test(q)) return [['birthdate', q]];
  return [['name', q.slice(0, 100)]];
}

export function assistedRequestRoutes(deps: WebDeps, door: FrontDoor) {
  const base = `/app/${door}/requests/new`;
  return async function assistedRequestPages(app: FastifyInstance): Promise<void> {
    const journey = createRequestJourney(deps, {
      base,
      done: door === 'staff' ? '/app/staff/requests' : `/app/${door}/requests/sent`,
      subjectFields: (subject) => ({ patient: subject.patient.id, route: subject.route }),
    });

    const subjectOf = async (request: FastifyRequest, patientId: string, routeText: string): Promise<RequestSubject | undefined> => {
      const ctx = deps.contextOf(request);
      const route = routesFor(door).find((r) => r === routeText);
      if (!ID.test(patientId) || route === undefined || ctx.principal.kind !== 'staff') return undefined;
      const patient = await ctx.record.read('Patient', patientId);
      const gps = ((patient.generalPractitioner as { reference?: string }[] | undefined) ?? []).map((r) => r.reference ?? '');
      const mine = ctx.principal.roles.map((r) => r.organization).filter((o): o is string => o !== undefined);
      const organisation = mine.find((o) => gps.includes(o)) ?? gps.find((g) => g.startsWith('Organization/')) ?? mine[0];
      if (organisation === undefined) throw new FhirError('UNPROCESSABLE', 'No GP practice is recorded for this person, so the request has nowhere to go.');
      const org = await ctx.record.read('Organization', organisation.slice('Organization/'.length));
      return {
        patient,
        organisationId: org.id,
        organisationName: typeof org.name === 'string' ? org.name : 'the practice',
        submittedBy: { reference: `Practitioner/${ctx.principal.practitioner}` },
        route: route === 'phone' ? RequestRoute.phone : route === 'in-person' ? RequestRoute.inPerson : RequestRoute.onlineAssisted,
        onBehalfReason: route === 'phone' ? 'Phoned the practice' : route === 'in-person' ? 'Came to the practice' : 'Helped by a volunteer',
        personWord: nameOf(patient) ?? 'the person',
      };
    };

    app.get<{ Querystring: { q?: string; patient?: string; route?: string } }>(base, async (request, reply) => {
      const ctx = deps.contextOf(request);
      const { q = '', patient = '', route = '' } = request.query;
      const errors: { field: string; message: string }[] = [];
      if (patient !== '' || route !== '') {
        if (!ID.test(patient)) errors.push({ field: 'patient', message: 'Choose the person the request is for' });
        if (!routesFor(door).some((r) => r === route)) errors.push({ field: 'route', message: 'Select how they got in touch' });
        if (errors.length === 0) {
          const subject = await subjectOf(request, patient, route);
          if (subject !== undefined) return journey.start(request, reply, subject);
        }
      }
      let found: StoredResource[] = [];
      if (q.trim() !== '') {
        found = (await ctx.record.search(parseSearchRequest('Patient', [...personSearch(q), ['_count', '10']], { handling: 'lenient' }))).matches;
        if (found.length === 0) errors.push({ field: 'q', message: 'No one you can see matches that name, NHS number or date of birth: check it and search again' });
      }
      const people = found.map((p) => ({ value: p.id, text: nameOf(p) ?? 'Name not recorded', hint: `Born ${typeof p.birthDate === 'string' ? p.birthDate : 'unknown'}` }));
      const main = html`<h1>Make a request for someone</h1>
      <form action="${base}" method="get" novalidate>
        ${textInput({ id: 'q', label: 'Find the person', hint: 'Their name, NHS number or date of birth (for example 1948-03-21)', value: q, errors: errors, width: 20 })}
        <button class="nhsuk-button nhsuk-button--secondary" type="submit">Search</button>
      </form>
      ${people.length > 0
        ? html`<form action="${base}" method="get" novalidate>
        <input type="hidden" name="q" value="${q}">
        ${radios({ name: 'patient', legend: 'Who is the request for?', items: people, value: patient, errors })}
        ${routesFor(door).length > 1 ? radios({ name: 'route', legend: 'How did they get in touch?', items: routesFor(door).map((r) => ({ value: r, text: ROUTE_WORDS[r] })), value: route, errors }) : html`<input type="hidden" name="route" value="${routesFor(door)[0] ?? ''}">`}
        ${button('Start the request')}
      </form>`
        : html``}`;
      return deps.send(reply, errors.length > 0 ? 400 : 200, deps.render(request, { title: 'Make a request for someone', main, errors }));
    });

    app.post(base, async (request, reply) => {
      deps.checkCsrf(request);
      const fields = formOf(request);
      const subject = await subjectOf(request, fieldText(fields, 'patient'), fieldText(fields, 'route'));
      if (subject === undefined) throw new FhirError('INVALID_REQUEST', 'The form lost who the request is for. Start again.');
      return journey.next(request, reply, subject);
    });
  };
}
