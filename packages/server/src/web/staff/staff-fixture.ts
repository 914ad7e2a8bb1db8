/**
 * Test support for the staff pages' tests (imported only by *.test.ts): the access tests' area
 * with what triage and booking need: the practice's phone number, phone and video diaries with free
 * times tomorrow, the request form, and people with access needs (Alice uses BSL and prefers text
 * messages; Dave needs a Polish interpreter). Requests are made through submitRequest, as the
 * receptionist taking a call would.
 */
import { AREA, accessOf } from '@kindred/access/testing';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { DEFAULT_ACCESS_NEEDS, createSlots, ensureRequestQuestionnaire, submitRequest, withAccessNeeds, type Modality } from '@kindred/care';
import type { Resource, StoredResource } from '@kindred/fhir';
import type { Store } from '@kindred/store';
import { londonDate } from './staff-format.ts';

export const NORTH_PHONE = '0113 496 0000';

const schedule = (id: string, modality: Modality): Resource => ({
  resourceType: 'Schedule',
  id,
  active: true,
  serviceType: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: modality }] }],
  actor: [{ reference: 'PractitionerRole/dr-north-role' }],
});

function withNeeds(id: string, needs: Partial<typeof DEFAULT_ACCESS_NEEDS>, telecom: object[]): Resource {
  const person = AREA.find((r) => r.resourceType === 'Patient' && r.id === id)!;
  return withAccessNeeds({ ...person, telecom, identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }] }, { ...DEFAULT_ACCESS_NEEDS, ...needs });
}

/** The area, the form and tomorrow's free times (09:00 to 10:00 UTC, every 10 minutes) by phone and video. */
export async function seedStaffArea(store: Store, now = Date.now()): Promise<{ tomorrow: string }> {
  const north = AREA.find((r) => r.id === 'gp-north')!;
  const imported = await store.repository.importResources([
    ...AREA.filter((r) => !(r.resourceType === 'Patient' && (r.id === 'alice' || r.id === 'dave')) && r.id !== 'gp-north'),
    { ...north, telecom: [{ system: 'phone', value: NORTH_PHONE }] },
    withNeeds('alice', { bsl: true, preferredChannels: ['sms'], carerHelps: 'RelatedPerson/ruth' }, [{ system: 'phone', use: 'mobile', value: '07700 900123' }]),
    withNeeds('dave', { language: 'pl', interpreterRequired: true, preferredChannels: ['sms'], longerAppointment: true }, [{ system: 'phone', use: 'mobile', value: '07700 900456' }]),
    schedule('north-phone', 'phone'),
    schedule('north-video', 'video'),
  ]);
  const rejected = imported.filter((r) => r.outcome === 'rejected');
  if (rejected.length > 0) throw new Error(`the staff test area was refused: ${JSON.stringify(rejected)}`);
  await ensureRequestQuestionnaire(store.repository);
  const tomorrow = londonDate(now + 86_400_000);
  for (const [scheduleId, modality] of [['north-phone', 'phone'], ['north-video', 'video']] as const) {
    await createSlots(store.repository, scheduleId, { start: `${tomorrow}T09:00:00Z`, end: `${tomorrow}T10:00:00Z`, minutes: 10, modality });
  }
  return { tomorrow };
}

let tokens = 0;

/** A request taken by the receptionist on the phone (route "phone"), as submitRequest records it. */
export async function phoneRequest(store: Store, patientId: string, problem: string, options: { urgent?: boolean } = {}): Promise<StoredResource> {
  const receptionist = (await accessibleRecord(store.repository, accessOf('receptionist'), defaultAccessPolicy())).repository;
  const outcome = await submitRequest(receptionist, {
    patientId,
    organisationId: 'gp-north',
    submittedBy: { reference: 'Practitioner/rec-north' },
    route: 'phone',
    onBehalfReason: 'no internet',
    submissionToken: `staff-pages-token-${String(++tokens).padStart(6, '0')}-${Date.now()}`,
    answers: {
      category: 'medical',
      'chest-pain': 'no',
      breathing: 'no',
      stroke: 'no',
      'ending-life': 'no',
      'heavy-bleeding': 'no',
      problem,
      'how-long': 'weeks',
      'getting-worse': options.urgent === true ? 'yes' : 'no',
      'would-like': 'appointment',
    },
    isChild: false,
    now: new Date(),
  });
  if (outcome.kind !== 'submitted') throw new Error(`the test request was not submitted: ${JSON.stringify(outcome)}`);
  return outcome.task;
}
