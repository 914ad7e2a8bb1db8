/**
 * The demo area's virtual ward on SQLite and PostgreSQL: the hospital's ward with eight people,
 * two weeks of readings each, and the dashboard telling the stories it is meant to (one red with
 * the ward's alert open, ambers, one whose readings stopped, one who texts), read back through the
 * monitoring service as the ward's consultant would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import { MONITORING_ACCESS, RagColour, wardDashboard, type WardDashboard } from '@kindred/care';
import { parseSearchRequest, type Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { organisationResources } from './demo-organisations.ts';
import { createNhsNumbers, makePerson } from './demo-people.ts';
import { dayNumber } from './demo-time.ts';
import { DEMO_WARD, WardStory, addVirtualWard, type DemoWardSummary } from './demo-virtual-ward.ts';

const backends = await testBackends();
const NOW = Date.parse('2026-11-18T10:00:00Z');

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the demo's virtual ward on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let summary: DemoWardSummary;
    let dashboard: WardDashboard;

    beforeAll(async () => {
      store = await backend.open();
      const nhsNumbers = createNhsNumbers(7);
      const people: Resource[] = [];
      for (let i = 0; i < 60; i++) people.push(...makePerson(i, { seed: 7, today: dayNumber(NOW), lsoas: [], nhsNumbers }).resources);
      const imported = await scopedRepository(store.repository, localAdministratorAccess()).importResources([...organisationResources(), ...people]);
      expect(imported.filter((r) => r.outcome === 'rejected')).toEqual([]);
      summary = await addVirtualWard(store, { nowMs: NOW, seed: 7 });
      dashboard = await wardDashboard(store.repository, DEMO_WARD.id, NOW, { wards: scopedRepository(store.repository, MONITORING_ACCESS) });
    });
    afterAll(() => store?.destroy());

    it('enrols eight people with two weeks of readings', async () => {
      expect(summary.enrolled).toHaveLength(8);
      expect(summary.readingSets).toBeGreaterThan(8 * 20);
      expect(dashboard.ward.name).toBe(DEMO_WARD.name);
      expect(dashboard.rows).toHaveLength(8);
    });

    it('shows one person red with the ward’s alert open, at the top', () => {
      const red = summary.enrolled.find((e) => e.story === WardStory.red)!;
      expect(dashboard.rows[0]).toMatchObject({ patientId: red.patientId, colour: RagColour.red });
      expect(dashboard.rows[0]!.openAlerts).toHaveLength(1);
      expect(dashboard.rows.slice(1).every((r) => r.openAlerts.length === 0)).toBe(true);
    });

    it('shows ambers, and the person whose readings stopped as missed', () => {
      const stopped = summary.enrolled.find((e) => e.story === WardStory.stopped)!;
      const row = dashboard.rows.find((r) => r.patientId === stopped.patientId)!;
      expect(row.colour).toBe(RagColour.amber);
      expect(row.missed.length).toBeGreaterThan(0);
      for (const story of [WardStory.lowOxygen, WardStory.fever, WardStory.fastPulse]) {
        const id = summary.enrolled.find((e) => e.story === story)!.patientId;
        expect(dashboard.rows.find((r) => r.patientId === id)?.colour, story).toBe(RagColour.amber);
      }
      expect(dashboard.rows.filter((r) => r.colour === RagColour.green).length).toBeGreaterThanOrEqual(2);
    });

    it('records the texter’s readings as text messages', async () => {
      const texter = summary.enrolled.find((e) => e.story === WardStory.texter)!;
      const readings = await store.repository.search(parseSearchRequest('Observation', [['subject', `Patient/${texter.patientId}`], ['_count', '500']], { handling: 'strict' }));
      const methods = new Set(readings.matches.map((o) => ((o.method as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code).filter((m) => m !== undefined));
      expect([...methods]).toEqual(['sms']);
      expect(readings.matches.length).toBeGreaterThan(20);
    });
  });
}
