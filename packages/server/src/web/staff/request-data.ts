/**
 * Everything the request page and the booking page show about one online request, read through
 * the signed-in member of staff's access-checked record: the Task, the person and their access
 * needs (read before anything else is shown), their carer, the answers with the form's questions,
 * and the organisation the page works for.
 *
 * Reads only. A request the policy hides is "not found", as the access policy decides.
 */
import { accessNeedsSummary, nameOf, readAccessNeeds, type AccessNeeds } from '@kindred/care';
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { WebContext } from '../web-context.ts';
import { requestFacts, type RequestFacts } from './request-facts.ts';
import { ageOn, firstNameOf, idOf, nhsNumberOf, referenceOf } from './staff-format.ts';
import { rolesByOrganisation, staffWorkplace, type StaffWorkplace } from './staff-organisation.ts';

const TASK_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-code';

export interface PersonSummary {
  id: string;
  name: string;
  firstName: string;
  age?: number;
  nhsNumber?: string;
  needs: AccessNeeds;
  /** what staff must know before any contact, in plain English */
  needsLines: string[];
  /** the carer who helps them, by name */
  carer?: string;
}

export interface LoadedRequest {
  task: StoredResource;
  facts: RequestFacts;
  patient: StoredResource;
  person: PersonSummary;
  response?: StoredResource;
  questionnaire?: StoredResource;
  /** who filled it in, by name ("Ruth Able (carer)") */
  submittedBy?: string;
  /** the organisation the request is with (Organization id), when known */
  organisationId?: string;
  workplace: StaffWorkplace;
}

async function readOrNothing(record: Repository, reference: string | undefined): Promise<StoredResource | undefined> {
  const [type, id] = (reference ?? '').split('/');
  if (type === undefined || id === undefined || !/^[A-Za-z]+$/.test(type)) return undefined;
  try {
    return await record.read(type, id);
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return undefined;
    throw error;
  }
}

const KIND_WORDS: Readonly<Record<string, string>> = { RelatedPerson: 'carer or family', Practitioner: 'staff', PractitionerRole: 'staff' };

function displayName(resource: StoredResource | undefined): string | undefined {
  if (resource === undefined) return undefined;
  if (resource.resourceType === 'Patient') return nameOf(resource);
  const names = Array.isArray(resource.name) ? (resource.name as { text?: string; given?: string[]; family?: string }[]) : [];
  const name = names[0];
  if (name === undefined) return typeof resource.name === 'string' ? resource.name : undefined;
  return name.text ?? ([...(name.given ?? []), name.family ?? ''].join(' ').trim() || undefined);
}

/** The person's line, needs and carer, as staff see them before any contact. */
export async function personSummary(record: Repository, patient: StoredResource, now: number): Promise<PersonSummary> {
  const name = nameOf(patient) ?? 'Name not recorded';
  const needs = readAccessNeeds(patient);
  const carerResource = needs.carerHelps !== undefined ? await readOrNothing(record, needs.carerHelps) : undefined;
  const carer = needs.carerHelps !== undefined ? (displayName(carerResource) ?? 'a carer (you cannot see their details)') : undefined;
  const age = ageOn(typeof patient.birthDate === 'string' ? patient.birthDate : undefined, now);
  const nhsNumber = nhsNumberOf(patient);
  return {
    id: patient.id,
    name,
    firstName: firstNameOf(patient, name),
    ...(age !== undefined ? { age } : {}),
    ...(nhsNumber !== undefined ? { nhsNumber } : {}),
    needs,
    needsLines: accessNeedsSummary(needs),
    ...(carer !== undefined ? { carer } : {}),
  };
}

async function questionnaireOf(record: Repository, response: StoredResource | undefined): Promise<StoredResource | undefined> {
  const canonical = typeof response?.questionnaire === 'string' ? response.questionnaire : undefined;
  if (canonical === undefined) return undefined;
  const [url, version] = canonical.split('|');
  if (url === undefined || url === '') return undefined;
  const params: [string, string][] = [['url', url], ['_count', '1'], ['_sort', '-_lastUpdated']];
  if (version !== undefined && version !== '') params.push(['version', version]);
  const page = await record.search(parseSearchRequest('Questionnaire', params, { handling: 'strict' }));
  return page.matches[0];
}

/** The Organization a Task's owner belongs to: the organisation itself, or the organisation of the assigned role. */
async function organisationOfOwner(ctx: WebContext, owner: string | undefined): Promise<string | undefined> {
  const direct = idOf(owner, 'Organization');
  if (direct !== undefined) return direct;
  const roleId = idOf(owner, 'PractitionerRole');
  if (roleId === undefined) return undefined;
  const mine = ctx.principal.kind === 'staff' ? ctx.principal.roles.find((r) => r.id === roleId) : undefined;
  if (mine?.organization !== undefined) return idOf(mine.organization, 'Organization');
  return idOf(referenceOf((await readOrNothing(ctx.record, owner))?.organization), 'Organization');
}

export async function loadRequest(ctx: WebContext, taskId: string, chosenOrg: string | undefined, now: number): Promise<LoadedRequest> {
  const task = await ctx.record.read('Task', taskId);
  const coding = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  if (!coding.some((c) => c.system === TASK_CODE_SYSTEM && c.code === 'online-request')) {
    throw new FhirError('NOT_FOUND', `Task/${taskId} is not a request for help.`);
  }
  const facts = requestFacts(task, now);
  const patientId = idOf(facts.patient, 'Patient');
  if (patientId === undefined) throw new FhirError('UNPROCESSABLE', `The request Task/${taskId} does not say who it is for.`);
  const patient = await ctx.record.read('Patient', patientId);
  const [person, response, organisationId, submitter] = await Promise.all([
    personSummary(ctx.record, patient, now),
    readOrNothing(ctx.record, facts.focus),
    organisationOfOwner(ctx, facts.owner),
    facts.submittedBy?.reference !== undefined && facts.submittedBy.display === undefined ? readOrNothing(ctx.record, facts.submittedBy.reference) : Promise.resolve(undefined),
  ]);
  const questionnaire = await questionnaireOf(ctx.record, response);
  const mine = rolesByOrganisation(ctx.principal).some((r) => r.organisationId === organisationId);
  const workplace = await staffWorkplace(ctx.principal, ctx.record, chosenOrg, mine ? organisationId : undefined);
  const kind = facts.submittedBy?.reference?.split('/')[0] ?? '';
  const byName = facts.submittedBy?.display ?? displayName(submitter);
  const submittedBy =
    facts.submittedBy === undefined
      ? undefined
      : facts.submittedBy.reference === `Patient/${patientId}`
        ? `${person.name} (themselves)`
        : `${byName ?? 'Someone you cannot see'}${KIND_WORDS[kind] !== undefined ? ` (${KIND_WORDS[kind]})` : ''}`;
  return {
    task,
    facts,
    patient,
    person,
    ...(response !== undefined ? { response } : {}),
    ...(questionnaire !== undefined ? { questionnaire } : {}),
    ...(submittedBy !== undefined ? { submittedBy } : {}),
    ...(organisationId !== undefined ? { organisationId } : {}),
    workplace,
  };
}
