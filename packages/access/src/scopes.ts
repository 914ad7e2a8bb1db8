/**
 * SMART scopes: what a token allows, parsed from its space-separated `scope` string
 * (SMART App Launch 2.0, "Scopes and Launch Context":
 * http://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).
 *
 * This module only parses and answers "does this scope set allow interaction X on type T?".
 * It must not know about requests, repositories or tokens, and it must never grant more than
 * the scopes say: anything it cannot honour exactly is refused, not approximated.
 */
import { FhirError, isResourceType } from '@kindred/fhir';

/**
 * The v2 permissions, in the order the specification writes them: create, read, update, delete,
 * search (#scopes-for-requesting-fhir-resources).
 */
export const Interaction = { create: 'c', read: 'r', update: 'u', delete: 'd', search: 's' } as const;
export type Interaction = (typeof Interaction)[keyof typeof Interaction];
const INTERACTION_ORDER: readonly Interaction[] = ['c', 'r', 'u', 'd', 's'];

/** Whose data a resource scope reaches: the patient in context, the signed-in user's, or the whole system. */
export const ScopeContext = { patient: 'patient', user: 'user', system: 'system' } as const;
export type ScopeContext = (typeof ScopeContext)[keyof typeof ScopeContext];

export interface ResourceScope {
  kind: 'resource';
  /** the scope as written in the token */
  text: string;
  context: ScopeContext;
  /** a FHIR R4 resource type, or '*' for every type (#wildcard-scopes) */
  resourceType: string;
  /** what the scope permits, in cruds order */
  interactions: readonly Interaction[];
  /** 'v1' for `.read` `.write` `.*`; 'v2' for `.cruds` subsets */
  syntax: 'v1' | 'v2';
}

/** openid, fhirUser, launch, offline_access …: accepted, and carrying no rights to resources. */
export interface NonResourceScope {
  kind: 'identity' | 'launch' | 'refresh';
  text: string;
}

export type Scope = ResourceScope | NonResourceScope;

/** Scopes that ask for identity data or a refresh token (#scopes-for-requesting-identity-data, #scopes-for-requesting-a-refresh-token). */
const NON_RESOURCE_SCOPES: ReadonlyMap<string, NonResourceScope['kind']> = new Map([
  ['openid', 'identity'],
  ['fhirUser', 'identity'],
  ['profile', 'identity'],
  ['launch', 'launch'],
  ['offline_access', 'refresh'],
  ['online_access', 'refresh'],
]);

/** `launch/patient`, `launch/encounter` …: a request for launch context (#scopes-for-requesting-context-data). */
const LAUNCH_CONTEXT = /^launch\/[A-Za-z][A-Za-z0-9-]*$/;

/** v1 permissions and their v2 equivalents (#scope-equivalence-with-smart-v1): read = rs, write = cud, * = cruds. */
const V1_PERMISSIONS: ReadonlyMap<string, readonly Interaction[]> = new Map([
  ['read', ['r', 's']],
  ['write', ['c', 'u', 'd']],
  ['*', ['c', 'r', 'u', 'd', 's']],
]);

const RESOURCE_SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([^?]*)(\?.*)?$/;

function invalidScope(message: string): FhirError {
  // OAuth names this error `invalid_scope` (RFC 6749 §5.2); the name leads the message so a
  // client or a person at the CLI recognises it.
  return new FhirError('INVALID_REQUEST', `invalid_scope: ${message}`);
}

function parsePermissions(text: string, written: string): { interactions: readonly Interaction[]; syntax: 'v1' | 'v2' } {
  const v1 = V1_PERMISSIONS.get(text);
  if (v1) return { interactions: v1, syntax: 'v1' };
  // v2: a non-empty subset of c r u d s, each at most once and in that order.
  if (/^c?r?u?d?s?$/.test(text) && text.length > 0) {
    return { interactions: INTERACTION_ORDER.filter((i) => text.includes(i)), syntax: 'v2' };
  }
  throw invalidScope(
    `"${written}" has permissions "${text}"; write a subset of c r u d s in that order (for example .rs or .cruds), or the SMART v1 .read, .write or .*.`,
  );
}

/** One scope, e.g. `system/Observation.rs`, `patient/*.read` or `openid`. */
export function parseScope(text: string): Scope {
  const other = NON_RESOURCE_SCOPES.get(text);
  if (other) return { kind: other, text };
  if (LAUNCH_CONTEXT.test(text)) return { kind: 'launch', text };
  const match = RESOURCE_SCOPE.exec(text);
  if (!match) {
    throw invalidScope(
      `"${text}" is not a SMART scope; resource scopes look like system/Patient.rs, user/*.cruds or patient/Observation.read (context/type.permissions).`,
    );
  }
  const [, context, resourceType, permissions, query] = match;
  if (context === undefined || resourceType === undefined || permissions === undefined) throw invalidScope(`"${text}" is not a SMART scope.`);
  if (resourceType !== '*' && !isResourceType(resourceType)) {
    throw invalidScope(`"${text}" names "${resourceType}", which is not a FHIR R4 resource type (types are case-sensitive, e.g. Patient).`);
  }
  const { interactions, syntax } = parsePermissions(permissions, text);
  if (query !== undefined) {
    // #finer-grained-resource-constraints-using-search-parameters: a v2 scope may narrow itself
    // with search parameters. Honouring that means filtering every read and search by it; until
    // Kindred does, granting the scope without the restriction would give more than was asked.
    if (syntax === 'v1') throw invalidScope(`"${text}": only SMART v2 scopes (.cruds) may carry a ?search restriction.`);
    const restriction = new URLSearchParams(query.slice(1));
    const names = [...new Set([...restriction.keys()])];
    if (names.length === 0 || names.some((n) => n === '')) throw invalidScope(`"${text}" has an empty search restriction after "?".`);
    throw invalidScope(
      `"${text}" restricts the scope by search parameter (${names.join(', ')}); Kindred does not support scopes narrowed by search parameters yet. ` +
        `Ask for ${context}/${resourceType}.${permissions} without the restriction, or a narrower resource type.`,
    );
  }
  return { kind: 'resource', text, context: context as ScopeContext, resourceType, interactions, syntax };
}

/** The scopes of one token, and the questions the access layer asks of them. */
export interface ScopeSet {
  readonly scopes: readonly Scope[];
  /**
   * Whether `interaction` on `resourceType` is allowed by a system/ or user/ scope. patient/
   * scopes are not counted here: they allow only within a patient in context (allowsForPatient).
   */
  allows(resourceType: string, interaction: Interaction): boolean;
  /** every resource type `interaction` is allowed on: '*' when a wildcard scope allows it on all */
  typesAllowing(interaction: Interaction): '*' | ReadonlySet<string>;
  /** true when some scope is a patient/ scope (which grants nothing without a patient context) */
  readonly hasPatientScopes: boolean;
  /**
   * Whether a patient/ scope allows `interaction` on `resourceType`: within the compartment of the
   * patient in context only, which the access layer enforces (#scopes-for-requesting-fhir-resources).
   */
  allowsForPatient(resourceType: string, interaction: Interaction): boolean;
  /** a scope that would allow `interaction` on `resourceType`, in the style of this token (for error messages) */
  scopeNeededFor(resourceType: string, interaction: Interaction): string;
  /** the scopes, space-separated, as they would appear in a token */
  toString(): string;
}

interface Grants {
  wildcard: ReadonlySet<Interaction>;
  byType: ReadonlyMap<string, ReadonlySet<Interaction>>;
}

function grantsOf(scopes: readonly Scope[], patientContext = false): Grants {
  const wildcard = new Set<Interaction>();
  const byType = new Map<string, Set<Interaction>>();
  for (const scope of scopes) {
    if (scope.kind !== 'resource' || (scope.context === 'patient') !== patientContext) continue;
    const target = scope.resourceType === '*' ? wildcard : (byType.get(scope.resourceType) ?? new Set<Interaction>());
    for (const i of scope.interactions) target.add(i);
    if (scope.resourceType !== '*') byType.set(scope.resourceType, target);
  }
  return { wildcard, byType };
}

function mergeGrants(a: Grants, b: Grants): Grants {
  const byType = new Map<string, Set<Interaction>>();
  for (const [type, allowed] of [...a.byType, ...b.byType]) byType.set(type, new Set([...(byType.get(type) ?? []), ...allowed]));
  return { wildcard: new Set([...a.wildcard, ...b.wildcard]), byType };
}

/**
 * A ScopeSet from parsed scopes. With `patientInContext`, patient/ scopes count in `allows` and
 * `typesAllowing` too: the caller (the access layer) then keeps what only they allow inside the
 * patient's compartment.
 */
export function scopeSetOf(scopes: readonly Scope[], options: { patientInContext?: boolean } = {}): ScopeSet {
  const frozen = Object.freeze([...scopes]);
  const grants = options.patientInContext === true ? mergeGrants(grantsOf(frozen), grantsOf(frozen, true)) : grantsOf(frozen);
  const resourceScopes = frozen.filter((s): s is ResourceScope => s.kind === 'resource');
  const style: ScopeContext = resourceScopes.some((s) => s.context === 'system') || resourceScopes.length === 0 ? 'system' : 'user';
  const patientGrants = grantsOf(frozen, true);
  const granted = (g: Grants, resourceType: string, interaction: Interaction): boolean => g.wildcard.has(interaction) || (g.byType.get(resourceType)?.has(interaction) ?? false);
  const allows = (resourceType: string, interaction: Interaction): boolean => granted(grants, resourceType, interaction);
  return Object.freeze({
    scopes: frozen,
    hasPatientScopes: resourceScopes.some((s) => s.context === 'patient'),
    allowsForPatient: (resourceType: string, interaction: Interaction) => granted(patientGrants, resourceType, interaction),
    allows,
    typesAllowing(interaction: Interaction): '*' | ReadonlySet<string> {
      if (grants.wildcard.has(interaction)) return '*';
      return new Set([...grants.byType].filter(([, allowed]) => allowed.has(interaction)).map(([type]) => type));
    },
    scopeNeededFor: (resourceType: string, interaction: Interaction) => `${style}/${resourceType}.${interaction}`,
    toString: () => frozen.map((s) => s.text).join(' '),
  });
}

/**
 * A token's `scope` value: scopes separated by spaces (RFC 6749 §3.3). Throws FhirError
 * INVALID_REQUEST with an `invalid_scope:` message for an empty string or any scope it cannot
 * honour exactly (unknown syntax, unknown type, search restriction).
 */
export function parseScopes(text: string): ScopeSet {
  const parts = text.split(' ').filter((part) => part !== '');
  if (parts.length === 0) throw invalidScope('no scope was given; for example system/*.cruds (everything) or system/Patient.rs (read and search patients).');
  if (/[^\x21\x23-\x5b\x5d-\x7e ]/.test(text)) {
    // RFC 6749 §3.3: scope tokens are printable ASCII without '"' and '\'; other whitespace is not a separator.
    throw invalidScope(`"${text}" has characters a scope may not contain (separate scopes with single spaces).`);
  }
  return scopeSetOf(parts.map(parseScope));
}

/** Scopes that give the built-in administrator every right on every type. */
export const ADMINISTRATOR_SCOPE = 'system/*.cruds';

/** The words people use for each interaction, for messages. */
export const INTERACTION_NAMES: Readonly<Record<Interaction, string>> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
