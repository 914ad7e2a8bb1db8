/**
 * Enrolment in a virtual ward and discharge from it (decision 0016, "Enrolment"): an EpisodeOfCare
 * managed by the ward's organisation (what lets the ward's staff see the person under the access
 * policy) and a remote-monitoring CarePlan, written together in one transaction through the
 * caller's access-checked repository; the wards; a person's active plan.
 *
 * The ward's CareTeam names no patient; the access policy shows it to staff whose organisation (or
 * who themselves) take part in it (`participant`), so every ward lists the organisation that runs
 * it as a participant. Where someone else must read a ward (a person, or a text with nobody signed
 * in), the functions take `options.wards`: a repository that may read CareTeams (Kindred's
 * monitoring system context), and fall back to the caller's repository.
 *
 * Must not write anything a caller could not write themselves.
 */
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { nameOf } from '../access-needs/index.ts';
import type { DischargeInput, Enrolment, EnrolmentInput, MonitoringPlan, VirtualWard } from './monitoring-api.ts';
import { carePlanOf, monitoringPlanOf, virtualWardOf } from './monitoring-plan.ts';
import { CARE_PLAN_CATEGORY_SYSTEM, CARE_TEAM_CATEGORY_SYSTEM, EPISODE_TYPE_SYSTEM, REMOTE_MONITORING, VIRTUAL_WARD } from './monitoring-vocabulary.ts';

export interface WardOptions {
  /** a repository that may read the wards' CareTeams (Kindred's monitoring); the caller's when absent */
  wards?: Repository;
}

const search = async (repository: Repository, type: string, params: [string, string][]): Promise<StoredResource[]> =>
  (await repository.search(parseSearchRequest(type, params, { handling: 'strict' }))).matches;

const isVirtualWard = (team: StoredResource): boolean =>
  Array.isArray(team.category) && (team.category as { coding?: { system?: string; code?: string }[] }[]).some((c) => c.coding?.some((x) => x.system === CARE_TEAM_CATEGORY_SYSTEM && x.code === VIRTUAL_WARD));

/** The ward, or NOT_FOUND in plain words. */
export async function readVirtualWard(repository: Repository, wardId: string): Promise<VirtualWard> {
  let team: StoredResource;
  try {
    team = await repository.read('CareTeam', wardId);
  } catch (error) {
    if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) {
      throw new FhirError('NOT_FOUND', `There is no virtual ward "${wardId}" that you may see.`, { expression: ['wardId'] });
    }
    throw error;
  }
  if (!isVirtualWard(team) || team.status === 'inactive' || team.status === 'entered-in-error') {
    throw new FhirError('NOT_FOUND', `CareTeam/${wardId} is not an active virtual ward.`, { expression: ['wardId'] });
  }
  return virtualWardOf(team);
}

/** Active virtual wards, by name; only one organisation's when `organizationId` is given. */
export async function findVirtualWards(repository: Repository, organizationId?: string): Promise<VirtualWard[]> {
  const params: [string, string][] = [
    ['category', `${CARE_TEAM_CATEGORY_SYSTEM}|${VIRTUAL_WARD}`],
    ['status', 'active'],
    ['_count', '1000'],
  ];
  const wards = (await search(repository, 'CareTeam', params)).map(virtualWardOf);
  return wards
    .filter((w) => organizationId === undefined || w.organization?.reference === `Organization/${organizationId}`)
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** The active remote-monitoring CarePlans of a person (newest first), optionally on one ward. */
async function activePlans(repository: Repository, patientId: string, wardId?: string): Promise<StoredResource[]> {
  const params: [string, string][] = [
    ['patient', `Patient/${patientId}`],
    ['category', `${CARE_PLAN_CATEGORY_SYSTEM}|${REMOTE_MONITORING}`],
    ['status', 'active'],
    ['_count', '100'],
  ];
  if (wardId !== undefined) params.push(['care-team', `CareTeam/${wardId}`]);
  const plans = await search(repository, 'CarePlan', params);
  const startOf = (p: StoredResource) => (p.period as { start?: string } | undefined)?.start ?? '';
  return [...plans].sort((a, b) => startOf(b).localeCompare(startOf(a)));
}

async function episodeOf(repository: Repository, carePlan: StoredResource): Promise<StoredResource | undefined> {
  const ref = (carePlan.supportingInfo as { reference?: string }[] | undefined)?.map((r) => r.reference ?? '').find((r) => r.startsWith('EpisodeOfCare/'));
  if (ref === undefined) return undefined;
  try {
    return await repository.read('EpisodeOfCare', ref.slice('EpisodeOfCare/'.length));
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return undefined;
    throw error;
  }
}

/** The person's active monitoring plan (the newest, if they are on more than one ward), or undefined. */
export async function activeMonitoringPlan(repository: Repository, patientId: string): Promise<MonitoringPlan | undefined> {
  const [plan] = await activePlans(repository, patientId);
  if (plan === undefined) return undefined;
  return monitoringPlanOf(plan, await episodeOf(repository, plan));
}

export async function enrolInVirtualWard(repository: Repository, input: EnrolmentInput, options: WardOptions = {}): Promise<Enrolment> {
  if (input.spo2Scale !== 1 && input.spo2Scale !== 2) throw new FhirError('INVALID_REQUEST', 'The SpO2 scale must be 1 or 2.', { expression: ['spo2Scale'] });
  const ward = await readVirtualWard(options.wards ?? repository, input.wardId);
  const patient = await repository.read('Patient', input.patientId);
  // checked (and refused) before anything is written
  carePlanOf(input, ward, undefined);
  return repository.transaction(async (tx) => {
    const [existing] = await activePlans(tx, input.patientId, ward.id);
    if (existing !== undefined) {
      const since = (existing.period as { start?: string } | undefined)?.start?.slice(0, 10) ?? 'earlier';
      throw new FhirError('CONFLICT', `${nameOf(patient) ?? 'This person'} is already on ${ward.name} (since ${since}). Change their plan, or discharge them first.`, {
        expression: ['wardId'],
      });
    }
    const start = new Date(input.now).toISOString();
    const episode = await tx.create({
      resourceType: 'EpisodeOfCare',
      status: 'active',
      type: [{ coding: [{ system: EPISODE_TYPE_SYSTEM, code: VIRTUAL_WARD, display: 'Virtual ward' }], text: 'Virtual ward' }],
      patient: { reference: `Patient/${input.patientId}` },
      ...(ward.organization !== undefined ? { managingOrganization: { ...ward.organization } } : {}),
      period: { start },
      team: [{ reference: `CareTeam/${ward.id}`, display: ward.name }],
    });
    const carePlan = await tx.create(carePlanOf(input, ward, episode.resource.id));
    return { carePlan: carePlan.resource, episodeOfCare: episode.resource };
  });
}

export async function dischargeFromVirtualWard(repository: Repository, input: DischargeInput): Promise<Enrolment> {
  return repository.transaction(async (tx) => {
    const [plan] = await activePlans(tx, input.patientId, input.wardId);
    if (plan === undefined) throw new FhirError('NOT_FOUND', 'This person is not on that virtual ward, so there is nothing to discharge them from.', { expression: ['wardId'] });
    const end = new Date(input.now).toISOString();
    // Annotation.author may be a Practitioner, Patient, RelatedPerson or Organization; a role is written as words
    const author = /^(Practitioner|Patient|RelatedPerson|Organization)\//.test(input.dischargedBy.reference)
      ? { authorReference: { ...input.dischargedBy } }
      : { authorString: input.dischargedBy.display ?? input.dischargedBy.reference };
    const note = { ...author, time: end, text: `Discharged from the virtual ward${input.reason !== undefined && input.reason.trim() !== '' ? `: ${input.reason.trim()}` : ''}.` };
    const carePlan = await tx.update({
      ...plan,
      status: 'completed',
      period: { ...(plan.period as object), end },
      note: [...((plan.note as object[] | undefined) ?? []), note],
    });
    const episode = await episodeOf(tx, plan);
    if (episode === undefined) throw new FhirError('NOT_FOUND', `The episode of care of CarePlan/${plan.id} could not be found.`);
    const episodeOfCare = await tx.update({ ...episode, status: 'finished', period: { ...(episode.period as object), end } });
    return { carePlan: carePlan.resource, episodeOfCare: episodeOfCare.resource };
  });
}
