/**
 * The colleagues of a member of staff at an organisation: its active PractitionerRoles with their
 * practitioners' names, for assigning requests and for saying who has one. One search, with the
 * practitioners included (http://hl7.org/fhir/R4/search.html#include).
 *
 * Reads only, through the signed-in person's record.
 */
import { parseSearchRequest } from '@kindred/fhir';
import type { WebContext } from '../web-context.ts';

export interface Choice {
  value: string;
  text: string;
}

/** Colleagues at the organisation, by role, with their names ("Dr North"), for assigning and for names in notes. */
export async function colleaguesOf(ctx: WebContext, organisationId: string): Promise<Choice[]> {
  const page = await ctx.record.search(
    parseSearchRequest('PractitionerRole', [['organization', `Organization/${organisationId}`], ['active', 'true'], ['_include', 'PractitionerRole:practitioner'], ['_count', '200']], { handling: 'strict' }),
  );
  const names = new Map<string, string>(
    page.included
      .filter((r) => r.resourceType === 'Practitioner')
      .map((p) => {
        const name = (p.name as { text?: string; given?: string[]; family?: string; prefix?: string[] }[] | undefined)?.[0];
        const text = name?.text ?? [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
        return [`Practitioner/${p.id}`, text === '' ? 'Name not recorded' : text];
      }),
  );
  return page.matches
    .map((role) => {
      const practitioner = (role.practitioner as { reference?: string; display?: string } | undefined) ?? {};
      const what = (role.code as { text?: string; coding?: { display?: string; code?: string }[] }[] | undefined)?.map((c) => c.text ?? c.coding?.[0]?.display ?? c.coding?.[0]?.code).filter((t) => t !== undefined);
      const name = practitioner.display ?? names.get(practitioner.reference ?? '') ?? 'Name not recorded';
      return { value: `PractitionerRole/${role.id}`, text: what !== undefined && what.length > 0 ? `${name} (${what.join(', ')})` : name };
    })
    .sort((a, b) => a.text.localeCompare(b.text));
}
