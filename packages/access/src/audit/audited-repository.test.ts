/**
 * The audited repository on a real store, on every backend: each interaction yields the right
 * AuditEvent (type, subtype, action, outcome, agents, entities, patients), refusals are recorded
 * and rethrown, and a write's event commits and rolls back with the write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import type { Repository } from '@kindred/store';
import { parseScopes } from '../scopes.ts';
import type { AccessContext } from '../access-context.ts';
import { scopedRepository } from '../scoped-repository.ts';
import { createAuditWriter, type AuditWriter } from './audit-writer.ts';
import { auditedRepository, type AuditedRepositoryOptions } from './audited-repository.ts';

const backends = await testBackends();

function accessWith(scope: string, extra: Partial<AccessContext> = {}): AccessContext {
  return { subject: 'sub-1', scopes: parseScopes(scope), tokenId: 'jti-1', expiresAt: new Date(Date.now() + 60_000), issuer: 'urn:kindred:test', ...extra };
}

type Event = Resource & {
  type: { code: string };
  subtype?: { system: string; code: string }[];
  action: string;
  outcome: string;
  outcomeDesc?: string;
  purposeOfEvent: { coding: { code: string }[] }[];
  agent: { who: { reference?: string; identifier?: { value: string } }; requestor: boolean; policy?: string[]; type?: { text?: string } }[];
  entity?: { what?: { reference: string }; role?: { code: string }; query?: string; description?: string }[];
};

const references = (event: Event): string[] => (event.entity ?? []).flatMap((e) => (e.what ? [e.what.reference] : []));
const patientEntities = (event: Event): string[] => (event.entity ?? []).filter((e) => e.role?.code === '1').map((e) => e.what!.reference);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`auditedRepository on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let writer: AuditWriter;
    beforeAll(async () => {
      store = await backend.open();
      writer = createAuditWriter(store.audit);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    const as = (access: AccessContext, options?: AuditedRepositoryOptions): Repository =>
      auditedRepository(scopedRepository(store.repository, access), access, writer, options);
    const admin = accessWith('system/*.*', { fhirUser: 'Practitioner/dr-1', clientId: 'gp-app' });

    /** The events appended since `mark` (a count of entries), oldest first. */
    async function eventsSince(mark: number): Promise<Event[]> {
      const rows = await store.driver.query<{ content: string }>('SELECT content FROM audit_entry WHERE seq > ? ORDER BY seq', [mark]);
      return rows.map((r) => JSON.parse(r.content) as Event);
    }
    async function mark(): Promise<number> {
      return Number((await store.driver.query<{ n: number }>('SELECT COUNT(*) AS n FROM audit_entry'))[0]?.n ?? 0);
    }

    it('records a consent granted and withdrawn as consent changes for the person, beside the writes', async () => {
      const repo = as(admin);
      const person = (await repo.create({ resourceType: 'Patient', name: [{ family: 'Ledger' }] })).resource;
      const start = await mark();
      const granted = (
        await repo.create({
          resourceType: 'Consent',
          status: 'active',
          scope: { text: 'patient-privacy' },
          category: [{ text: 'sharing' }],
          patient: { reference: `Patient/${person.id}` },
          provision: { type: 'permit', actor: [{ role: { text: 'carer' }, reference: { reference: 'RelatedPerson/x' } }] },
        })
      ).resource;
      await repo.update({ ...granted, status: 'inactive' });
      const events = await eventsSince(start);
      const consentEvents = events.filter((e) => e.type.code !== 'rest');
      expect(consentEvents.map((e) => [e.action, patientEntities(e)])).toEqual([
        ['C', [`Patient/${person.id}`]],
        ['D', [`Patient/${person.id}`]],
      ]);
      expect(consentEvents.flatMap(references)).toEqual(expect.arrayContaining([`Consent/${granted.id}/_history/1`, `Consent/${granted.id}/_history/2`]));
    });

    it('records create, read, vread, search, history, update and delete, each with its patients', async () => {
      const repo = as(admin);
      const start = await mark();
      const patient = (await repo.create({ resourceType: 'Patient', name: [{ family: 'Audit' }] })).resource;
      const observation = (
        await repo.create({ resourceType: 'Observation', status: 'final', code: { text: 'pulse' }, subject: { reference: `Patient/${patient.id}` } })
      ).resource;
      await repo.read('Patient', patient.id);
      await repo.vread('Observation', observation.id, '1');
      const page = await repo.search(parseSearchRequest('Observation', [['subject', `Patient/${patient.id}`], ['_include', 'Observation:subject']], { handling: 'strict' }));
      expect(page.matches).toHaveLength(1);
      await repo.history({ resourceType: 'Observation', id: observation.id, count: 10 });
      await repo.update({ ...observation, status: 'amended' });
      await repo.delete('Observation', observation.id);

      const events = await eventsSince(start);
      expect(events.map((e) => [e.type.code, e.subtype?.[0]?.code, e.action, e.outcome])).toEqual([
        ['rest', 'create', 'C', '0'],
        ['rest', 'create', 'C', '0'],
        ['rest', 'read', 'R', '0'],
        ['rest', 'vread', 'R', '0'],
        ['rest', 'search-type', 'E', '0'],
        ['rest', 'history-instance', 'R', '0'],
        ['rest', 'update', 'U', '0'],
        ['rest', 'delete', 'D', '0'],
      ]);
      for (const event of events) {
        expect(event.subtype?.[0]?.system).toBe('http://hl7.org/fhir/restful-interaction');
        expect(patientEntities(event)).toEqual([expect.stringMatching(new RegExp(`^Patient/${patient.id}(/_history/1)?$`))]);
      }
      const [, created, read, , search, , updated, deleted] = events;
      expect(references(created!)).toContain(`Observation/${observation.id}/_history/1`);
      expect(references(read!)).toEqual([`Patient/${patient.id}/_history/1`]);
      expect(references(search!)).toEqual([`Observation/${observation.id}/_history/1`, `Patient/${patient.id}/_history/1`]);
      const query = search!.entity!.find((e) => e.role?.code === '24')!;
      expect(query.description).toBe('search of Observation by subject');
      expect(Buffer.from(query.query!, 'base64').toString('utf8')).toContain(patient.id);
      expect(references(updated!)).toContain(`Observation/${observation.id}/_history/2`);
      expect(references(deleted!)).toContain(`Observation/${observation.id}/_history/3`);
      // the patient index finds them all, newest first
      const log = await store.audit.forPatient(patient.id, { count: 20 });
      expect(log.events.map((e) => (e as Event).subtype?.[0]?.code)).toEqual(['delete', 'update', 'history-instance', 'search-type', 'vread', 'read', 'create', 'create']);
      expect(await store.audit.verify()).toMatchObject({ ok: true });
    });

    it('names the person, their app, their token and the purpose; a carer acting for someone is a second person', async () => {
      const start = await mark();
      const patient = (await as(admin).create({ resourceType: 'Patient', name: [{ family: 'Cared-for' }] })).resource;
      const carer = accessWith('system/*.*', { fhirUser: 'RelatedPerson/carer-1', patient: patient.id, clientId: 'carer-app' });
      await as(carer).read('Patient', patient.id);
      await as(admin, { breakGlass: { reason: 'unconscious in A&E' } }).read('Patient', patient.id);
      await as(accessWith('system/*.*')).read('Patient', patient.id);
      const [created, byCarer, brokeGlass, bySystem] = await eventsSince(start);
      expect(created!.agent.map((a) => [a.who.reference ?? a.who.identifier?.value, a.requestor])).toEqual([
        ['Practitioner/dr-1', true],
        ['gp-app', false],
      ]);
      expect(created!.agent[0]!.policy).toEqual(['urn:kindred:token:jti-1']);
      expect(created!.purposeOfEvent.map((p) => p.coding[0]!.code)).toEqual(['TREAT']);
      expect(byCarer!.agent.map((a) => [a.who.reference ?? a.who.identifier?.value, a.requestor, a.type?.text])).toEqual([
        ['RelatedPerson/carer-1', true, undefined],
        ['carer-app', false, undefined],
        [`Patient/${patient.id}`, false, 'on behalf of'],
      ]);
      expect(brokeGlass!.purposeOfEvent.map((p) => p.coding?.[0]?.code)).toEqual(['ETREAT', 'BTG', undefined]);
      expect(bySystem!.agent.map((a) => [a.who.reference, a.who.identifier?.value])).toEqual([[undefined, 'sub-1']]);
      expect(JSON.stringify(bySystem)).toContain('"observer":{"display":"Kindred"}');
    });

    it('records a refusal by the layer beneath with outcome 4, and rethrows it', async () => {
      const patient = (await as(admin).create({ resourceType: 'Patient', name: [{ family: 'Private' }] })).resource;
      const start = await mark();
      const narrow = as(accessWith('system/Observation.rs', { fhirUser: 'Practitioner/nosy' }));
      await expect(narrow.read('Patient', patient.id)).rejects.toMatchObject({ errorName: 'FORBIDDEN' });
      await expect(narrow.create({ resourceType: 'Patient', name: [{ family: 'Sneaky' }] })).rejects.toMatchObject({ errorName: 'FORBIDDEN' });
      await expect(as(admin).read('Patient', 'no-such-patient')).rejects.toMatchObject({ errorName: 'NOT_FOUND' });
      // other failures are the caller's mistakes, not refusals
      await expect(as(admin).create({ resourceType: 'Patient', gender: 42 })).rejects.toBeInstanceOf(FhirError);
      const events = await eventsSince(start);
      expect(events.map((e) => [e.subtype?.[0]?.code, e.action, e.outcome])).toEqual([
        ['read', 'R', '4'],
        ['create', 'C', '4'],
        ['read', 'R', '4'],
      ]);
      expect(events[0]!.outcomeDesc).toMatch(/^FORBIDDEN: /);
      expect(events[0]!.agent[0]!.who.reference).toBe('Practitioner/nosy');
      expect(patientEntities(events[0]!)).toEqual([`Patient/${patient.id}`]);
      expect(references(events[2]!)).toEqual(['Patient/no-such-patient']);
      expect((await store.audit.forPatient(patient.id, { count: 1 })).events[0]).toMatchObject({ outcome: '4' });
    });

    it('commits a transaction\'s events with it; when it fails, the writes and their events roll back together and what was read is still recorded', async () => {
      const repo = as(admin);
      const existing = (await repo.create({ resourceType: 'Patient', name: [{ family: 'Seen' }] })).resource;
      const start = await mark();
      const kept = await repo.transaction(async (tx) => {
        await tx.read('Patient', existing.id);
        return (await tx.create({ resourceType: 'Patient', name: [{ family: 'Kept' }] })).resource;
      });
      expect((await eventsSince(start)).map((e) => e.subtype?.[0]?.code)).toEqual(['read', 'create']);

      const beforeFailure = await mark();
      let lostId = '';
      await expect(
        repo.transaction(async (tx) => {
          await tx.read('Patient', kept.id);
          lostId = (await tx.create({ resourceType: 'Patient', name: [{ family: 'Lost' }] })).resource.id;
          throw new Error('the bundle failed at its last entry');
        }),
      ).rejects.toThrow('the bundle failed at its last entry');
      await expect(store.repository.read('Patient', lostId)).rejects.toMatchObject({ errorName: 'NOT_FOUND' });
      const after = await eventsSince(beforeFailure);
      expect(after.map((e) => [e.subtype?.[0]?.code, references(e)])).toEqual([['read', [`Patient/${kept.id}/_history/1`]]]);
      expect((await store.audit.forPatient(lostId, { count: 5 })).events).toEqual([]);

      // a write outside a transaction that fails after its audit was appended leaves neither
      const failing: Repository = { ...store.repository, transaction: (work) => store.repository.transaction(async (tx) => {
        await work(tx);
        throw new Error('commit refused');
      }) };
      const beforeWrite = await mark();
      await expect(auditedRepository(failing, admin, writer).create({ resourceType: 'Patient', name: [{ family: 'Never' }] })).rejects.toThrow('commit refused');
      expect(await eventsSince(beforeWrite)).toEqual([]);
      expect(await store.audit.verify()).toMatchObject({ ok: true });
    });

    it('records an export before its first resource, and an import with the patients it wrote', async () => {
      const repo = as(admin);
      const start = await mark();
      const imported = await repo.importResources([
        { resourceType: 'Patient', id: 'imp-1', name: [{ family: 'Imported' }] },
        { resourceType: 'Condition', id: 'imp-c1', subject: { reference: 'Patient/imp-1' }, code: { text: 'asthma' } },
      ]);
      expect(imported.map((r) => r.outcome)).toEqual(['created', 'created']);
      const exported = repo.exportResources({ types: ['Condition'], patientIds: ['imp-1'] })[Symbol.asyncIterator]();
      const first = await exported.next();
      expect(first.value).toMatchObject({ resourceType: 'Condition', id: 'imp-c1' });
      const [importEvent, exportEvent] = await eventsSince(start);
      expect([importEvent!.type.code, importEvent!.action]).toEqual(['110107', 'C']);
      expect(references(importEvent!)).toEqual(['Patient/imp-1', 'Condition/imp-c1']);
      expect(patientEntities(importEvent!)).toEqual(['Patient/imp-1']);
      expect([exportEvent!.type.code, exportEvent!.action]).toEqual(['110106', 'R']);
      expect(patientEntities(exportEvent!)).toEqual(['Patient/imp-1']);
    });
  });
}
