/**
 * The demo's people without a database: the same seed makes the same person, the shares of needs
 * are realistic, and people without internet never use the online route themselves.
 */
import { describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { isValidNhsNumber } from '@kindred/fhir';
import { createNhsNumbers, makePerson, type DemoPerson, type PersonContext } from './demo-people.ts';
import { makeHistory } from './demo-requests.ts';
import { createSlotBook } from './demo-schedules.ts';
import { ANSWERED_LINK_IDS, RED_FLAGS, requestForm } from './demo-request-form.ts';
import { dayNumber } from './demo-time.ts';
import { EXT } from './demo-vocabulary.ts';

const NOW = Date.parse('2026-11-18T10:00:00Z');
const TODAY = dayNumber(NOW);
const context = (seed: number): PersonContext => ({ seed, today: TODAY, lsoas: [], nhsNumbers: createNhsNumbers(seed) });

function people(n: number, seed = 3): { person: DemoPerson; resources: Resource[] }[] {
  const c = context(seed);
  return Array.from({ length: n }, (_, i) => makePerson(i, c));
}

describe('demo people', () => {
  it('are the same for the same seed and index, and differ for another seed', () => {
    expect(makePerson(17, context(3))).toEqual(makePerson(17, context(3)));
    expect(makePerson(17, context(4)).person.name === makePerson(17, context(3)).person.name && makePerson(17, context(4)).person.age === makePerson(17, context(3)).person.age).toBe(false);
  });

  it('have unique, valid NHS numbers', () => {
    const numbers = createNhsNumbers(9);
    const made = Array.from({ length: 5000 }, (_, i) => numbers.next(i));
    expect(made.every(isValidNhsNumber)).toBe(true);
    expect(new Set(made).size).toBe(made.length);
  });

  it('have needs in realistic shares, more often without internet when older', () => {
    const all = people(3000).map((p) => p.person);
    const adults = all.filter((p) => !p.child);
    const share = (list: DemoPerson[], test: (p: DemoPerson) => boolean) => list.filter(test).length / list.length;
    expect(share(all, (p) => p.child)).toBeGreaterThan(0.12);
    expect(share(all, (p) => p.age >= 95)).toBeGreaterThan(0);
    expect(share(adults, (p) => p.noInternet)).toBeGreaterThan(0.08);
    expect(share(adults, (p) => p.noInternet)).toBeLessThan(0.25);
    expect(share(adults.filter((p) => p.age >= 80), (p) => p.noInternet)).toBeGreaterThan(share(adults.filter((p) => p.age < 50), (p) => p.noInternet));
    expect(share(adults, (p) => p.interpreter !== undefined)).toBeGreaterThan(0.02);
    expect(share(adults, (p) => p.interpreter !== undefined)).toBeLessThan(0.09);
    expect(share(adults, (p) => p.carer !== undefined && !p.carer.parent)).toBeGreaterThan(0.08);
    expect(share(adults, (p) => p.carer !== undefined && !p.carer.parent)).toBeLessThan(0.25);
    expect(share(adults, (p) => !p.safeToContactAtHome)).toBeLessThan(0.03);
    expect(new Set(all.map((p) => p.interpreter?.code).filter(Boolean))).toEqual(new Set(['pl', 'ro', 'ur', 'pa', 'bn']));
  });

  it('record each adult’s access needs on the Patient, and a carer’s consent with what they may do', () => {
    const made = people(400);
    const adult = made.find((p) => !p.person.child && p.person.carer)!;
    const patient = adult.resources[0]!;
    expect((patient.extension as { url: string }[]).some((e) => e.url === EXT.accessNeeds)).toBe(true);
    const consent = adult.resources.find((r) => r.resourceType === 'Consent')!;
    expect(consent).toMatchObject({ status: 'active', patient: { reference: `Patient/${adult.person.id}` }, provision: { actor: [{ reference: { reference: `RelatedPerson/${adult.person.carer!.id}` } }] } });
  });

  it('never have people without internet submit online themselves, and they phone or come in more', () => {
    const slots = createSlotBook(TODAY - 190, TODAY + 21, NOW);
    const routes = { offline: [] as string[], online: [] as string[] };
    for (const { person } of people(1500)) {
      const { resources } = makeHistory(person, { seed: 3, today: TODAY, nowMs: NOW, openChance: 0.05, slots, form: requestForm() });
      for (const task of resources.filter((r) => r.resourceType === 'Task' && (r.code as { coding: { code: string }[] }).coding[0]!.code === 'online-request')) {
        const route = (task.extension as { url: string; valueCode?: string }[]).find((e) => e.url === EXT.requestRoute)!.valueCode!;
        (person.noInternet ? routes.offline : routes.online).push(route);
      }
    }
    expect(routes.offline).not.toContain('online-self');
    const byPhoneOrDesk = (list: string[]) => list.filter((r) => r === 'phone' || r === 'in-person').length / list.length;
    expect(byPhoneOrDesk(routes.offline)).toBeGreaterThan(byPhoneOrDesk(routes.online));
  });
});

describe('the demo request form', () => {
  it('has every question the demo answers, with the red-flag advice the demo records', () => {
    interface Item { linkId: string; item?: Item[]; extension?: { url: string; valueString?: string }[] }
    const items = new Map<string, Item>();
    const walk = (list: Item[] | undefined): void => list?.forEach((i) => (items.set(i.linkId, i), walk(i.item)));
    walk(requestForm().item as Item[]);
    for (const linkId of ANSWERED_LINK_IDS) expect(items.has(linkId), linkId).toBe(true);
    for (const flag of [...RED_FLAGS.adult, ...RED_FLAGS.child]) expect(items.get(flag.linkId)?.extension?.find((e) => e.url === EXT.redFlag)?.valueString).toBe(flag.advice);
  });
});
