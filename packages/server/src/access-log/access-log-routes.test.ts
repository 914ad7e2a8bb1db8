/**
 * GET Patient/{id}/$access-log through the FHIR router, on every backend: the AuditEvents about
 * that patient, newest first, paged with a next link; refused exactly when the Patient may not be
 * read; and the look at the log is itself on the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditedRepository, createAuditWriter, localAdministratorAccess, type AuditWriter } from '@kindred/access';
import type { Bundle } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, patient, routerHarness, TEST_BASE_URL, type RouterHarness } from '../fhir-rest/test-support.ts';
import type { OperationRoute } from '../fhir-rest/fhir-request.ts';
import { accessLogRoutes } from './access-log-routes.ts';

const backends = await testBackends();

type LoggedEvent = { id: string; subtype?: { code: string }[]; outcome: string; agent: Record<string, unknown>[] };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`$access-log on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let writer: AuditWriter;
    let routes: OperationRoute[];
    let patientId: string;

    /** A router whose repository is scoped to `scope` and audited. */
    const harness = (scope?: string): RouterHarness =>
      routerHarness(store, {
        ...(scope !== undefined ? { scope } : {}),
        repository: (scoped) => auditedRepository(scoped, localAdministratorAccess(scope), writer),
      });
    const log = (h: RouterHarness, url: string) => h.call('GET', url, { routes });

    beforeAll(async () => {
      store = await backend.open();
      writer = createAuditWriter(store.audit);
      routes = accessLogRoutes(store.audit);
      const admin = harness();
      patientId = String(bodyOf(await admin.call('POST', 'Patient', { body: patient('Logged') })).id);
      await admin.call('GET', `Patient/${patientId}`);
      await admin.call('GET', `Observation?subject=Patient/${patientId}`);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('answers a searchset of the AuditEvents about the patient, newest first, the look at the log included', async () => {
      const response = await log(harness(), `Patient/${patientId}/$access-log`);
      expect(response.status).toBe(200);
      const bundle = bodyOf(response) as Bundle;
      expect(bundle.type).toBe('searchset');
      const events = (bundle.entry ?? []).map((e) => e.resource as unknown as LoggedEvent);
      expect(events.map((e) => e.subtype?.[0]?.code)).toEqual(['read', 'search-type', 'read', 'create']);
      expect(events.map((e) => Number(e.id))).toEqual([...events.map((e) => Number(e.id))].sort((a, b) => b - a));
      expect(bundle.entry?.[0]?.fullUrl).toBe(`urn:kindred:audit-trail:${events[0]!.id}`);
      expect(bundle.entry?.[0]?.search?.mode).toBe('match');
      // the person sees who and why, not the staff member's token
      for (const event of events) for (const agent of event.agent) expect(agent).not.toHaveProperty('policy');
      expect(bundle.link?.map((l) => l.relation)).toEqual(['self']);
    });

    it('pages with _count and a next link', async () => {
      const h = harness();
      const first = bodyOf(await log(h, `Patient/${patientId}/$access-log?_count=2`)) as Bundle;
      expect(first.entry).toHaveLength(2);
      const next = first.link?.find((l) => l.relation === 'next')?.url;
      expect(next).toMatch(new RegExp(`^${TEST_BASE_URL}/Patient/${patientId}/\\$access-log\\?_count=2&_cursor=\\d+$`));
      const second = bodyOf(await log(h, next!.slice(TEST_BASE_URL.length + 1))) as Bundle;
      const ids = (b: Bundle): number[] => (b.entry ?? []).map((e) => Number(e.resource?.id));
      expect(ids(second).length).toBeGreaterThan(0);
      expect(Math.max(...ids(second))).toBeLessThan(Math.min(...ids(first)));
    });

    it('is refused to a caller who may not read the Patient, and the refusal is on the log', async () => {
      const response = await log(harness('system/Observation.rs'), `Patient/${patientId}/$access-log`);
      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).not.toContain('AuditEvent');
      const newest = (await store.audit.forPatient(patientId, { count: 1 })).events[0] as unknown as LoggedEvent;
      expect([newest.subtype?.[0]?.code, newest.outcome]).toEqual(['read', '4']);
    });

    it('answers 404 for a patient that does not exist, and 400 for parameters it does not take', async () => {
      expect((await log(harness(), 'Patient/nobody/$access-log')).status).toBe(404);
      expect((await log(harness(), `Patient/${patientId}/$access-log?_count=0`)).status).toBe(400);
      expect((await log(harness(), `Patient/${patientId}/$access-log?agent=x`)).status).toBe(400);
      expect((await harness().call('POST', `Patient/${patientId}/$access-log`, { routes })).status).toBe(405);
    });
  });
}
