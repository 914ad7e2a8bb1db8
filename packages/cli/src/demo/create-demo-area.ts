/**
 * `createDemoArea`: fills an empty store with the demo area, so that Kindred opens on a working
 * local area (`npm start`, `kindred serve --demo`) and benchmarks have a larger one
 * (`kindred demo --people N`). Organisations, staff, diaries, N people with their access needs,
 * carers and six months of requests, appointments and messages, and the demo sign-in accounts.
 *
 * Seeding, not a user action: resources go in batches through `importResources` (with the
 * operator's access, one audit entry for the run). The same seed and date make the same area.
 * Running it again on a store that has the demo does nothing. It must not write into a store that
 * holds other data unless told to (`force`).
 */
import { AuditAction, AuditEventType, AuditOutcome, DEFAULT_AUDIT_SOURCE, auditEvent, localAdministratorAccess, scopedRepository } from '@kindred/access';
import { FhirError, type Resource } from '@kindred/fhir';
import type { Store } from '@kindred/store';
import { createDemoAccounts, readDemoAccounts, DEMO_ACCOUNTS_SETTING, type DemoAccount, type DemoAccountPeople } from './demo-accounts.ts';
import { chooseAreaLsoas, loadImdEdition, readImdFile, type AreaLsoa } from './demo-deprivation.ts';
import { organisationResources, PRACTICES, type PracticeKey } from './demo-organisations.ts';
import { createNhsNumbers, makePerson, type DemoPerson } from './demo-people.ts';
import { requestForm } from './demo-request-form.ts';
import { socialCare } from './demo-outcomes.ts';
import { makeHistory } from './demo-requests.ts';
import { createSlotBook } from './demo-schedules.ts';
import { dayNumber } from './demo-time.ts';
import { addVirtualWard } from './demo-virtual-ward.ts';

/** Set once the demo area is complete: its seed, size and date. */
export const DEMO_AREA_SETTING = 'demo-area';

export const MAX_DEMO_PEOPLE = 1_000_000;
const DEFAULT_BATCH = 1000;
/** About this many requests open in each practice's inbox today, whatever the number of people. */
const OPEN_PER_PRACTICE = 40;
const HISTORY_DAYS = 190;
const HORIZON_DAYS = 21;

export interface DemoOptions {
  people: number;
  seed: number;
  /** "today" for the area: history runs back six months from it, free slots three weeks ahead */
  now: Date;
  /** the English Indices of Deprivation LSOA file (lsoa_code, imd_rank, imd_decile); without it nobody has an LSOA */
  imdFile?: string;
  onProgress?: (done: number, total: number) => void;
  /** add the demo even though the store holds other resources, or again when its resources were removed */
  force?: boolean;
  /** resources per write (default 1000) */
  batchSize?: number;
}

export interface DemoSummary {
  /** false when the store had the demo already and nothing was written */
  created: boolean;
  /** resources written, by type */
  byType: Record<string, number>;
  accounts: DemoAccount[];
  /** what the people's deprivation is based on, or why they have none */
  deprivation: string;
  /** requests open in each practice's inbox today */
  openRequests: Record<PracticeKey, number>;
}

interface DemoAreaRecord {
  seed: number;
  people: number;
  now: string;
}

function checkOptions(options: DemoOptions): void {
  if (!Number.isInteger(options.people) || options.people < 1 || options.people > MAX_DEMO_PEOPLE) {
    throw new FhirError('INVALID_REQUEST', `The number of people must be a whole number from 1 to ${MAX_DEMO_PEOPLE.toLocaleString('en-GB')} (got ${options.people}).`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new FhirError('INVALID_REQUEST', `The seed must be a whole number (got ${options.seed}).`);
  if (Number.isNaN(options.now.getTime())) throw new FhirError('INVALID_REQUEST', 'The date to build the demo around is not a valid date.');
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) throw new FhirError('INVALID_REQUEST', 'The batch size must be a whole number of 1 or more.');
}

async function alreadyThere(store: Store): Promise<DemoSummary | undefined> {
  const record = await store.settings.get(DEMO_AREA_SETTING);
  if (record === undefined) return undefined;
  return { created: false, byType: {}, accounts: await readDemoAccounts(store.settings), deprivation: 'unchanged', openRequests: { riverside: 0, hillview: 0 } };
}

/** Who the person and carer demo accounts are: the first who fit, preferring people with requests and appointments to look at. */
interface AccountChoice {
  person?: { id: string; name: string; practice: string; score: number };
  carer?: { id: string; name: string; personName: string; score: number };
}

function chooseAccountPeople(person: DemoPerson, history: readonly Resource[], chosen: AccountChoice): AccountChoice {
  // 3: requests and an appointment to come; 2: requests and a past appointment; 1: requests; 0: nothing yet
  const requests = history.some((r) => r.resourceType === 'Task');
  const appointments = history.filter((r) => r.resourceType === 'Appointment');
  const score = !requests ? 0 : appointments.some((r) => r.status === 'booked') ? 3 : appointments.length > 0 ? 2 : 1;
  const next = { ...chosen };
  const usesTheApp =
    person.practice === 'riverside' && !person.child && person.age >= 25 && person.age <= 70 && !person.noInternet && person.email !== undefined && person.mobile !== undefined && !person.interpreter && !person.bsl;
  if (usesTheApp && score > (chosen.person?.score ?? -1)) {
    next.person = { id: person.id, name: person.name, practice: PRACTICES[person.practice].name, score };
  }
  const carer = person.carer;
  if (carer && !carer.parent && carer.actions.length === 4 && score > (chosen.carer?.score ?? -1)) {
    next.carer = { id: carer.id, name: carer.name, personName: person.name, score };
  }
  return next;
}

const accountPeople = (choice: AccountChoice): DemoAccountPeople => ({
  ...(choice.person ? { person: { id: choice.person.id, name: choice.person.name, practice: choice.person.practice } } : {}),
  ...(choice.carer ? { carer: { id: choice.carer.id, name: choice.carer.name, personName: choice.carer.personName } } : {}),
});

export async function createDemoArea(store: Store, options: DemoOptions): Promise<DemoSummary> {
  checkOptions(options);
  const existing = await alreadyThere(store);
  const counts = await store.repository.countByType();
  const held = Object.values(counts).reduce((n, c) => n + c, 0);
  if (existing !== undefined && options.force !== true) return existing;
  if (existing !== undefined && held > 0) {
    throw new FhirError('PRECONDITION_FAILED', `This store has the demo area already and holds ${held.toLocaleString('en-GB')} resources; to make the demo again, use an empty data folder or database.`);
  }
  if (existing === undefined && held > 0 && options.force !== true) {
    throw new FhirError(
      'PRECONDITION_FAILED',
      `This store holds ${held.toLocaleString('en-GB')} resources already; the demo adds made-up people to it. Use an empty data folder or database, or add --force to add the demo anyway.`,
    );
  }

  let lsoas: AreaLsoa[] = [];
  let deprivation = 'no deprivation file was given (--imd), so people have no LSOA and the equity views show no deprivation';
  if (options.imdFile !== undefined) {
    const rows = readImdFile(options.imdFile);
    const edition = await loadImdEdition(store.reference, options.imdFile, rows);
    lsoas = chooseAreaLsoas(rows, options.seed);
    deprivation = `people live in ${lsoas.length} LSOAs drawn from every decile of the IMD edition "${edition}" (loaded in the reference tables)`;
  }

  const nowMs = options.now.getTime();
  const today = dayNumber(nowMs);
  const slots = createSlotBook(today - HISTORY_DAYS, today + HORIZON_DAYS, nowMs);
  const repository = scopedRepository(store.repository, localAdministratorAccess());
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const byType: Record<string, number> = {};
  const rejected: string[] = [];
  let batch: Resource[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const results = await repository.importResources(batch);
    results.forEach((r, i) => {
      if (r.outcome === 'rejected') rejected.push(`${String(batch[i]?.resourceType)}/${String(batch[i]?.id)}: ${r.reason ?? 'rejected'}`);
      else byType[r.resourceType ?? 'unknown'] = (byType[r.resourceType ?? 'unknown'] ?? 0) + 1;
    });
    batch = [];
  };
  const write = async (resources: readonly Resource[]): Promise<void> => {
    batch.push(...resources);
    if (batch.length >= batchSize) await flush();
  };

  const form = requestForm();
  await write([...organisationResources(), form, ...slots.schedules()]);
  const nhsNumbers = createNhsNumbers(options.seed);
  // Per person, so each practice's inbox has about OPEN_PER_PRACTICE open requests however large the area.
  const openChance = Math.min(1, OPEN_PER_PRACTICE / Math.max(1, options.people / 2));
  const history = { seed: options.seed, today, nowMs, openChance, slots, form };
  const openRequests: Record<PracticeKey, number> = { riverside: 0, hillview: 0 };
  let chosen: AccountChoice = {};
  for (let index = 0; index < options.people; index++) {
    const { person, resources } = makePerson(index, { seed: options.seed, today, lsoas, nhsNumbers });
    const made = makeHistory(person, history);
    openRequests[person.practice] += made.openRequests;
    chosen = chooseAccountPeople(person, made.resources, chosen);
    await write([...resources, ...made.resources, ...socialCare(person, history)]);
    if ((index + 1) % 100 === 0 || index + 1 === options.people) options.onProgress?.(index + 1, options.people);
  }
  await write(slots.slots());
  await flush();
  if (rejected.length > 0) {
    throw new FhirError('UNPROCESSABLE', `The demo area made ${rejected.length} resource(s) the record refused, for example ${rejected.slice(0, 3).join('; ')}.`);
  }

  // the virtual ward goes in through the monitoring service (plans, readings, NEWS2, alerts), so it is counted from the record
  const beforeWard = await store.repository.countByType();
  await addVirtualWard(store, { nowMs, seed: options.seed });
  for (const [type, n] of Object.entries(await store.repository.countByType())) if (n !== (beforeWard[type] ?? 0)) byType[type] = (byType[type] ?? 0) + n - (beforeWard[type] ?? 0);

  // The accounts and then the flag: a run that stops before the end leaves no flag, and says so when run again.
  const accounts = existing !== undefined ? existing.accounts : await createDemoAccounts(store.identity, store.outbox, accountPeople(chosen));
  await store.settings.getOrCreate(DEMO_ACCOUNTS_SETTING, () => JSON.stringify(accounts));
  const record: DemoAreaRecord = { seed: options.seed, people: options.people, now: options.now.toISOString() };
  await store.settings.getOrCreate(DEMO_AREA_SETTING, () => JSON.stringify(record));
  await store.audit.append([
    auditEvent({ access: localAdministratorAccess() }, DEFAULT_AUDIT_SOURCE, {
      type: AuditEventType.import,
      action: AuditAction.create,
      outcome: AuditOutcome.success,
      description: `kindred demo: a made-up area of ${options.people} people (seed ${options.seed}): ${Object.entries(byType)
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`,
    }),
  ]);
  await store.analyze();
  return { created: true, byType, accounts, deprivation, openRequests };
}
