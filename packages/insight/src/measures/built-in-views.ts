/**
 * The ViewDefinitions the measure library is built on (SQL on FHIR v2, https://sql-on-fhir.org/ig/latest/StructureDefinition-ViewDefinition.html),
 * kept as JSON files in views/ and installed into the record at start. They use only the v2
 * features every conforming engine has: `select` with typed `column`s, `where`, and the required
 * FHIRPath subset (`where`, `exists`, `first`, `ofType`, `extension(url)`, `getResourceKey()` and
 * `getReferenceKey(Type)` for joins, §"FHIRPath functions").
 */
import appointment from './views/appointment.json' with { type: 'json' };
import careTeam from './views/care_team.json' with { type: 'json' };
import carer from './views/carer.json' with { type: 'json' };
import organisation from './views/organisation.json' with { type: 'json' };
import person from './views/person.json' with { type: 'json' };
import redFlagExit from './views/red_flag_exit.json' with { type: 'json' };
import request from './views/request.json' with { type: 'json' };
import wardAlert from './views/ward_alert.json' with { type: 'json' };

export const BUILT_IN_VIEWS: readonly Record<string, unknown>[] = Object.freeze(
  [appointment, request, redFlagExit, wardAlert, careTeam, person, carer, organisation].map((view) => Object.freeze(view as Record<string, unknown>)),
);

/** The names of the built-in views, which the measure sources read. */
export const BuiltInView = {
  appointment: 'appointment',
  request: 'request',
  redFlagExit: 'red_flag_exit',
  wardAlert: 'ward_alert',
  careTeam: 'care_team',
  person: 'person',
  carer: 'carer',
  organisation: 'organisation',
} as const;
