/**
 * Test support for the web app's Chromium journeys: a demo area (createDemoArea, a few dozen
 * people, built around the real current time because appointments and free slots are relative to
 * it) behind Kindred with sign-in on a real port, the demo accounts, and the few changes to the
 * area a journey needs (the practice's online hours, its capacity, a free slot soon).
 *
 * Changes go through the store's own repository, as an operator's import would; the journeys
 * themselves only use the pages. Nothing here drives the browser (see journey-browser.ts).
 */
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { createDemoArea, readDemoAccounts, type DemoAccount } from '../../../../packages/cli/src/demo/index.ts';
import { startSignInServer, type SignInServer } from '../../sign-in/sign-in-server.ts';

const CAPACITY_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/online-request-capacity';
const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';
const TASK_CODE = 'https://kindred.health/fhir/CodeSystem/task-code|online-request';

export const DEMO_PEOPLE = 40;

export interface DemoSite {
  store: TestStore;
  server: SignInServer;
  accounts: readonly DemoAccount[];
  /** a demo account by username ("demo.person"); throws when the demo has no such account */
  account(username: string): DemoAccount;
  close(): Promise<void>;
}

export async function startDemoSite(): Promise<DemoSite> {
  const store = await openSqliteTestStore();
  // The demo goes into an empty store, before the server's start-up writes its request form.
  await createDemoArea(store, { people: DEMO_PEOPLE, seed: 11, now: new Date() });
  const server = await startSignInServer(store);
  const accounts = await readDemoAccounts(store.settings);
  return {
    store,
    server,
    accounts,
    account(username) {
      const found = accounts.find((a) => a.username === username);
      if (found === undefined) throw new Error(`the demo area has no account "${username}" (it has ${accounts.map((a) => a.username).join(', ')})`);
      return found;
    },
    async close() {
      await server.close();
      await store.destroy();
    },
  };
}

/** The id part of a reference such as "Patient/abc" in an account's fhirUser. */
export const idOf = (reference: string): string => reference.slice(reference.indexOf('/') + 1);

/** The GP practice (Organization id) a patient is registered with. */
export async function practiceOf(store: TestStore, patientId: string): Promise<string> {
  const patient = await store.repository.read('Patient', patientId);
  const reference = ((patient.generalPractitioner as { reference?: string }[] | undefined) ?? []).map((r) => r.reference ?? '').find((r) => r.startsWith('Organization/'));
  if (reference === undefined) throw new Error(`Patient/${patientId} has no GP practice`);
  return idOf(reference);
}

export interface OnlineCapacity {
  dailyLimit: number;
  whenFull: 'call-back' | 'admin-only' | 'safe-routing';
}

/**
 * Sets the practice's online request service (HealthcareService, decision 0013) to take requests
 * at every hour of every day, so the journeys run whenever the tests do, with this capacity.
 */
export async function setOnlineCapacity(store: TestStore, organisationId: string, capacity: OnlineCapacity): Promise<void> {
  const { matches } = await store.repository.search(parseSearchRequest('HealthcareService', [['organization', `Organization/${organisationId}`]], { handling: 'strict' }));
  const service = matches.find((s) => ((s.extension as { url: string }[] | undefined) ?? []).some((e) => e.url === CAPACITY_EXTENSION));
  if (service === undefined) throw new Error(`Organization/${organisationId} has no online request service`);
  const { meta: _meta, ...rest } = service;
  const updated: Resource = {
    ...rest,
    availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], allDay: true }],
    extension: [
      {
        url: CAPACITY_EXTENSION,
        extension: [
          { url: 'dailyLimit', valueInteger: capacity.dailyLimit },
          { url: 'whenFull', valueCode: capacity.whenFull },
          { url: 'responseDays', valueInteger: 2 },
        ],
      },
    ],
  };
  await store.repository.update(updated);
}

/**
 * A free phone Slot in the practice's GP phone diary starting about `hoursAhead` from now (on
 * the minute), so a booking made in the browser is due for a reminder whatever the day.
 */
export async function addPhoneSlotSoon(store: TestStore, organisationId: string, hoursAhead: number): Promise<StoredResource> {
  const { matches } = await store.repository.search(parseSearchRequest('Schedule', [['service-type', `${MODALITY_SYSTEM}|phone`], ['_count', '100']], { handling: 'strict' }));
  const diary = matches.find((s) => s.id.startsWith(organisationId) && s.id.endsWith('-phone'));
  if (diary === undefined) throw new Error(`Organization/${organisationId} has no GP phone diary (Schedules: ${matches.map((s) => s.id).join(', ')})`);
  const start = Math.ceil((Date.now() + hoursAhead * 3_600_000) / 60_000) * 60_000;
  const { resource } = await store.repository.create({
    resourceType: 'Slot',
    schedule: { reference: `Schedule/${diary.id}` },
    serviceType: diary.serviceType,
    status: 'free',
    start: new Date(start).toISOString(),
    end: new Date(start + 10 * 60_000).toISOString(),
  });
  return resource;
}

/** The person's online requests (Task), as the record holds them. */
export async function requestsOf(store: TestStore, patientId: string): Promise<StoredResource[]> {
  return (await store.repository.search(parseSearchRequest('Task', [['patient', `Patient/${patientId}`], ['code', TASK_CODE], ['_count', '200']], { handling: 'strict' }))).matches;
}

/** A Task's extension by the end of its url ("request-route", "submitted-by" …). */
export function extensionOf(resource: StoredResource, urlEnd: string): { valueCode?: string; valueString?: string; valueReference?: { reference?: string } } | undefined {
  return ((resource.extension as { url: string; valueCode?: string; valueString?: string; valueReference?: { reference?: string } }[] | undefined) ?? []).find((e) => e.url.endsWith(`/${urlEnd}`));
}

/** A practice's patient who has no internet, as their access needs record it. */
export async function personWithNoInternet(store: TestStore, organisationId: string): Promise<StoredResource> {
  const { matches } = await store.repository.search(parseSearchRequest('Patient', [['general-practitioner', `Organization/${organisationId}`], ['_count', '200']], { handling: 'strict' }));
  const found = matches.find((p) => JSON.stringify(p.extension ?? []).includes('"url":"noInternet","valueBoolean":true'));
  if (found === undefined) throw new Error(`no patient of Organization/${organisationId} in the demo area has no internet; choose another seed`);
  return found;
}
