/**
 * The person's record as staff see it, on SQLite and PostgreSQL, through the access-checked
 * record of the area's receptionist: carers with what their consent lets them do (current,
 * ended, none), their requests, appointments and messages; a person of another practice is not
 * found; the "Find a person" search runs on the store as the policy allows, hostile text included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { TASK_CODE_SYSTEM } from '@kindred/care';
import { readPersonRecord } from './people-record.ts';
import { personSearchOf } from './people-search.ts';
import { renderPersonPage } from './people-person-page.ts';

const backends = await testBackends();

const EXTRA: Resource[] = [
  {
    resourceType: 'Task',
    id: 'request-alice',
    status: 'requested',
    intent: 'order',
    priority: 'urgent',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'online-request' }] },
    for: { reference: 'Patient/alice' },
    owner: { reference: 'Organization/gp-north' },
    authoredOn: '2026-11-20T09:00:00Z',
    restriction: { period: { end: '2026-11-24T17:00:00Z' } },
    extension: [
      { url: 'https://kindred.health/fhir/StructureDefinition/request-route', valueCode: 'phone' },
      { url: 'https://kindred.health/fhir/StructureDefinition/request-category', valueCode: 'medical' },
    ],
  },
  {
    resourceType: 'Appointment',
    id: 'appt-alice',
    status: 'booked',
    start: '2026-11-25T10:00:00Z',
    end: '2026-11-25T10:20:00Z',
    serviceType: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'phone' }] }],
    extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/preferred-modality', valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'video' } }],
    participant: [
      { actor: { reference: 'Patient/alice' }, status: 'accepted' },
      { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'INTRP' }] }], actor: { display: 'Polish interpreter' }, status: 'needs-action' },
    ],
  },
  {
    resourceType: 'Communication',
    id: 'msg-alice',
    status: 'on-hold',
    subject: { reference: 'Patient/alice' },
    recipient: [{ reference: 'Patient/alice' }],
    topic: { text: 'appointment-confirmation' },
    medium: [{ text: 'phone call by staff' }],
    statusReason: { text: 'Staff must phone: needs an interpreter (pl)' },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the staff's view of a person on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
    beforeAll(async () => {
      store = await backend.open();
      const results = await store.repository.importResources([...AREA, ...EXTRA]);
      expect(results.filter((r) => r.outcome === 'rejected')).toEqual([]);
    });
    afterAll(() => store.destroy());

    it('shows carers with what their consent lets them do, and the latest requests, appointments and messages', async () => {
      const now = Date.parse('2026-11-21T12:00:00Z');
      const person = await readPersonRecord(await as('receptionist'), 'alice', now);
      expect(person.patient.id).toBe('alice');
      expect(person.carers.hidden).toBe(false);
      const carers = person.carers.hidden ? [] : person.carers.items;
      const byId = Object.fromEntries(carers.map((c) => [c.relatedPerson.id, c]));
      expect(byId.ruth).toMatchObject({ consented: true, actions: ['view-record', 'book'] });
      expect(byId.sam).toMatchObject({ consented: false, consentEnded: '2026-02-01' });
      expect(byId.tom).toMatchObject({ consented: false, actions: [] });
      expect(person.requests).toMatchObject({ hidden: false, items: [{ id: 'request-alice' }] });
      expect(person.appointments).toMatchObject({ hidden: false, items: [{ id: 'appt-alice' }] });
      expect(person.messages).toMatchObject({ hidden: false, items: [{ id: 'msg-alice' }] });

      const page = renderPersonPage(person, { now }).main.value;
      expect(page).toContain('Their consent lets them see their record, book appointments.');
      expect(page).toContain('Their consent ended on 1 February 2026');
      expect(page).toContain('No consent is recorded');
      expect(page).toContain('Interpreter: Polish interpreter');
      expect(page).toContain('Phone<br><span class="nhsuk-body-s">They asked for video</span>');
      expect(page).toContain('Staff must phone');
      expect(page).toMatch(/Received<\/strong> <strong class="nhsuk-tag nhsuk-tag--red">Urgent<\/strong><br><span class="nhsuk-body-s">Reply by Tue 24 Nov, 5pm/);
      // access needs come before contact details
      expect(page.indexOf('Before you contact Test')).toBeLessThan(page.indexOf('Contact details'));
    });

    it('a member of staff of another practice cannot open the person', async () => {
      const error = await readPersonRecord(await as('otherGpClinician'), 'alice').catch((e: unknown) => e);
      expect([403, 404]).toContain((error as { status?: number }).status);
    });

    it('finds people by name as the policy allows, and by NHS number', async () => {
      const receptionist = await as('receptionist');
      const found = personSearchOf('test');
      if ('error' in found) throw new Error(found.error);
      const page = await receptionist.search(found.search);
      // alice and dave are North Street's; carol (South Lane) is not found
      expect(page.matches.map((p) => p.id).sort()).toEqual(['alice', 'dave']);
      const byNumber = personSearchOf('943 476 5919');
      if ('error' in byNumber) throw new Error(byNumber.error);
      expect((await receptionist.search(byNumber.search)).matches).toEqual([]);
    });

    it('hostile text is only a value, and an altered paging link is refused with words', async () => {
      const receptionist = await as('receptionist');
      const hostile = personSearchOf(`x'); DELETE FROM x;--`);
      if ('error' in hostile) throw new Error(hostile.error);
      expect((await receptionist.search(hostile.search)).matches).toEqual([]);
      const altered = personSearchOf('test', 'not-a-cursor');
      if ('error' in altered) throw new Error(altered.error);
      await expect(receptionist.search(altered.search)).rejects.toMatchObject({ status: 400 });
      expect(await store.repository.countByType()).toMatchObject({ Patient: 3 });
    });
  });
}
