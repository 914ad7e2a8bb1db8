/**
 * ViewDefinitions kept in the record: installing a set of views (create or update by url, left
 * alone when identical), listing the active ones, and checking a view with the views engine.
 * ViewDefinition is a resource type of the record (see @kindred/fhir supplements), so every view
 * has history, audit and access control; the record's validation checks a view's structure, and
 * compiling it here checks the rest (its FHIRPath, unique column names).
 *
 * Works on whatever repository it is given: an access-checked one writes only what its caller may.
 */
import { FhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { compileView, ViewDefinitionError, type CompiledView } from '../views/index.ts';

/** A ViewDefinition stored in the record. */
export interface StoredViewDefinition {
  readonly id: string;
  readonly view: Record<string, unknown>;
}

const PAGE = 200;

/**
 * Compiles `view` with the views engine; a view it rejects is a FhirError UNPROCESSABLE (422)
 * whose message names the view and the problem.
 */
export function checkViewDefinition(view: unknown): CompiledView {
  try {
    return compileView(view);
  } catch (error) {
    if (!(error instanceof ViewDefinitionError)) throw error;
    const name = typeof (view as { name?: unknown } | null)?.name === 'string' ? `The view "${(view as { name: string }).name}"` : 'The view';
    throw new FhirError('UNPROCESSABLE', `${name} cannot be run: ${error.message}`, { expression: ['ViewDefinition'], cause: error });
  }
}

/** Every resource a search finds, page after page. */
async function searchAll(record: Repository, params: readonly (readonly [string, string])[]): Promise<StoredResource[]> {
  const first = { ...parseSearchRequest('ViewDefinition', params, { handling: 'strict' }), count: PAGE };
  const found: StoredResource[] = [];
  for (let request: typeof first | undefined = first; request !== undefined; ) {
    const page = await record.search(request);
    found.push(...page.matches);
    request = page.nextCursor !== undefined ? { ...first, cursor: page.nextCursor } : undefined;
  }
  return found;
}

/** JSON with keys in a fixed order, so two views compare equal whatever order their keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content of a view that matters for "is it the same view": everything but id and meta. */
function content(view: Record<string, unknown>): string {
  const { id: _id, meta: _meta, ...rest } = view;
  return canonicalJson({ ...rest, resourceType: 'ViewDefinition' });
}

/**
 * Installs `views` in the record: each is created, or the stored view with the same url is updated
 * when its content differs (identical ones are left alone, so running this at every start writes
 * nothing new). Every view must have a url and must compile; nothing is written when one does not.
 */
export async function ensureViewDefinitions(record: Repository, views: readonly Record<string, unknown>[]): Promise<{ created: number; updated: number }> {
  const seen = new Set<string>();
  for (const [index, view] of views.entries()) {
    if (typeof view.url !== 'string' || view.url === '') {
      throw new FhirError('UNPROCESSABLE', `View ${index + 1}${typeof view.name === 'string' ? ` ("${view.name}")` : ''} has no url; a view kept in the record is found again by its url.`);
    }
    if (seen.has(view.url)) throw new FhirError('UNPROCESSABLE', `Two of the views have the url ${view.url}; each view needs its own.`);
    seen.add(view.url);
    checkViewDefinition(view);
  }
  let created = 0;
  let updated = 0;
  for (const view of views) {
    const url = view.url as string;
    const stored = await searchAll(record, [['url', url]]);
    if (stored.length > 1) {
      throw new FhirError('CONFLICT', `The record holds ${stored.length} ViewDefinitions with the url ${url} (${stored.map((s) => s.id).join(', ')}); keep one of them.`);
    }
    const { id: _ignored, meta: _meta, ...body } = view;
    const current = stored[0];
    if (current === undefined) {
      await record.create({ ...body, resourceType: 'ViewDefinition' });
      created += 1;
    } else if (content(current) !== content(view)) {
      await record.update({ ...body, resourceType: 'ViewDefinition', id: current.id });
      updated += 1;
    }
  }
  return { created, updated };
}

/** The record's active ViewDefinitions, by name then id. */
export async function activeViewDefinitions(record: Repository): Promise<StoredViewDefinition[]> {
  const stored = await searchAll(record, [['status', 'active']]);
  const name = (s: StoredResource): string => (typeof s.name === 'string' ? s.name : '');
  return stored
    .sort((a, b) => name(a).localeCompare(name(b)) || a.id.localeCompare(b.id))
    .map((s) => ({ id: s.id, view: s }));
}
