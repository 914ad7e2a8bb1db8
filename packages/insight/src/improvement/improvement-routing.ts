/**
 * Which team an idea or problem goes to: a routing table, as data, from the page it was reported
 * from (a path prefix of the app) to the team that owns that part of the service. The table is
 * kept in the store's settings under `improvement.routing` (written with the default below the
 * first time it is needed), so the people who run Kindred can change it without a release.
 *
 * A rule's owner is a fixed team (an Organization or CareTeam reference), the virtual ward the page
 * is about (its `?ward=`, else the first ward, by id, that the reporter's organisation takes part in), or the
 * organisation the page works for (its `?org=` when that is one of the reporter's, else the
 * reporter's own). The longest matching prefix wins; no match means the reporter's organisation.
 *
 * Reads the record only through the access-checked repository it is given; never writes.
 */
import { isFhirError, parseSearchRequest } from '@kindred/fhir';
import type { Repository, Settings } from '@kindred/store';

export const ROUTING_SETTING = 'improvement.routing';

export type OwnerRule = { readonly kind: 'team'; readonly reference: string } | { readonly kind: 'virtual-ward' } | { readonly kind: 'organisation' };

export interface RoutingRule {
  /** a path of the app, e.g. "/app/staff/ward"; matches itself and the paths under it */
  readonly prefix: string;
  readonly owner: OwnerRule;
}

export interface RoutingTable {
  readonly rules: readonly RoutingRule[];
}

/** Where Kindred sends ideas until an operator says otherwise. */
export const DEFAULT_ROUTING: RoutingTable = Object.freeze({
  rules: Object.freeze([
    { prefix: '/app/staff/ward', owner: { kind: 'virtual-ward' } },
    { prefix: '/app/staff/video', owner: { kind: 'organisation' } },
    { prefix: '/app/staff/requests', owner: { kind: 'organisation' } },
    { prefix: '/app/staff/offers', owner: { kind: 'organisation' } },
    { prefix: '/app/staff/appointments', owner: { kind: 'organisation' } },
  ] as const satisfies readonly RoutingRule[]),
});

/** The care team category of a virtual ward (its CareTeam.category; decision 0016). */
const CARE_TEAM_CATEGORY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/care-team-category';
const VIRTUAL_WARD = 'virtual-ward';

const TEAM_REFERENCE = /^(Organization|CareTeam)\/[A-Za-z0-9\-.]{1,64}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export class RoutingTableError extends Error {
  override readonly name = 'RoutingTableError';
}

function fail(where: string, problem: string): never {
  throw new RoutingTableError(`The improvement routing table is not valid: ${where} ${problem}`);
}

function ownerRule(value: unknown, where: string): OwnerRule {
  const owner = value as { kind?: unknown; reference?: unknown } | null;
  if (typeof owner !== 'object' || owner === null) fail(where, 'must be an object with a "kind".');
  if (owner.kind === 'virtual-ward' || owner.kind === 'organisation') return { kind: owner.kind };
  if (owner.kind === 'team') {
    if (typeof owner.reference !== 'string' || !TEAM_REFERENCE.test(owner.reference)) fail(`${where}.reference`, 'must be "Organization/id" or "CareTeam/id".');
    return { kind: 'team', reference: owner.reference };
  }
  return fail(`${where}.kind`, 'must be "team", "virtual-ward" or "organisation".');
}

/** Checks a routing table read from settings (JSON); throws naming the first problem. */
export function parseRoutingTable(json: string): RoutingTable {
  let document: unknown;
  try {
    document = JSON.parse(json) as unknown;
  } catch {
    return fail('the setting', 'is not JSON.');
  }
  const rules = (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) fail('"rules"', 'must be a list.');
  return Object.freeze({
    rules: Object.freeze(
      rules.map((rule: unknown, i) => {
        const r = rule as { prefix?: unknown; owner?: unknown } | null;
        if (typeof r?.prefix !== 'string' || !r.prefix.startsWith('/app/')) fail(`rules[${i}].prefix`, 'must be a path of the app, starting "/app/".');
        return Object.freeze({ prefix: r.prefix.replace(/\/+$/, ''), owner: ownerRule(r.owner, `rules[${i}].owner`) });
      }),
    ),
  });
}

/**
 * The routing table in the store's settings, stored with the default the first time. A table an
 * operator broke is not used: the default is, with the problem to show.
 */
export async function loadRoutingTable(settings: Settings): Promise<{ table: RoutingTable; problem?: string }> {
  const json = await settings.getOrCreate(ROUTING_SETTING, () => JSON.stringify(DEFAULT_ROUTING));
  try {
    return { table: parseRoutingTable(json) };
  } catch (error) {
    if (error instanceof RoutingTableError) return { table: DEFAULT_ROUTING, problem: error.message };
    throw error;
  }
}

/** The rule for a page's path: the longest matching prefix, or undefined. */
export function ruleFor(table: RoutingTable, path: string): RoutingRule | undefined {
  const bare = path.split(/[?#]/)[0] ?? path;
  const matching = table.rules.filter((r) => bare === r.prefix || bare.startsWith(`${r.prefix}/`));
  return matching.sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

/** The team that owns an idea: its reference and the name to show. */
export interface Team {
  reference: string;
  name: string;
}

export interface RouteContext {
  /** the page the idea was reported from: a path of the app, with its query */
  fromPage: string;
  /** "Organization/id" of each organisation the reporter has a role at; the first is their own */
  reporterOrganisations: readonly string[];
}

async function teamNamed(record: Repository, reference: string): Promise<Team | undefined> {
  const [type, id] = reference.split('/') as [string, string];
  try {
    const team = await record.read(type, id);
    return { reference, name: typeof team.name === 'string' && team.name.trim() !== '' ? team.name : reference };
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return undefined;
    throw error;
  }
}

function queryOf(fromPage: string): URLSearchParams {
  const at = fromPage.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : fromPage.slice(at + 1).split('#')[0]);
}

async function wardOf(record: Repository, context: RouteContext, own: string): Promise<Team | undefined> {
  const ward = queryOf(context.fromPage).get('ward');
  if (ward !== null && ID.test(ward)) {
    const team = await teamNamed(record, `CareTeam/${ward}`);
    if (team !== undefined) return team;
  }
  const page = await record.search(
    parseSearchRequest(
      'CareTeam',
      [
        ['participant', own],
        ['category', `${CARE_TEAM_CATEGORY_SYSTEM}|${VIRTUAL_WARD}`],
        ['status', 'active'],
        ['_count', '50'],
      ],
      { handling: 'strict' },
    ),
  );
  // the same ward every time, whatever order the store finds them in
  const first = [...page.matches].sort((a, b) => a.id.localeCompare(b.id))[0];
  return first === undefined ? undefined : { reference: `CareTeam/${first.id}`, name: typeof first.name === 'string' ? first.name : 'the virtual ward' };
}

/** The team an idea reported from `context.fromPage` goes to. */
export async function routeIdea(record: Repository, table: RoutingTable, context: RouteContext): Promise<Team> {
  const own = context.reporterOrganisations[0];
  if (own === undefined) throw new RoutingTableError('An idea needs a reporter with a role at an organisation.');
  const chosenOrg = queryOf(context.fromPage).get('org');
  const pageOrganisation = chosenOrg !== null && context.reporterOrganisations.includes(`Organization/${chosenOrg}`) ? `Organization/${chosenOrg}` : own;
  const organisation = async (reference: string): Promise<Team> => (await teamNamed(record, reference)) ?? { reference, name: reference };
  const rule = ruleFor(table, context.fromPage);
  switch (rule?.owner.kind) {
    case 'team':
      return (await teamNamed(record, rule.owner.reference)) ?? { reference: rule.owner.reference, name: rule.owner.reference };
    case 'virtual-ward':
      return (await wardOf(record, context, pageOrganisation)) ?? organisation(pageOrganisation);
    case 'organisation':
      return organisation(pageOrganisation);
    case undefined:
      return organisation(own);
  }
}
