/**
 * ViewDefinition as a resource type of the record. SQL on FHIR v2 defines ViewDefinition as a
 * logical model (https://sql-on-fhir.org/ig/StructureDefinition-ViewDefinition.html, canonical
 * https://sql-on-fhir.org/ig/StructureDefinition/ViewDefinition), not an R4 resource, so it is not
 * in the generated R4 definitions. Kindred stores views as resources so that they get history,
 * audit and access control like everything else; this file is the one hand-written supplement to
 * the generated model and search-parameter registry, and model.ts / search-parameters.ts merge it in.
 *
 * Only structure lives here (elements, cardinality, bindings). Deeper checks (the FHIRPath compiles,
 * column names are unique) belong to the views engine, which compiles a view where it is written
 * and where it is run. Pure data; imports nothing.
 */

/** An element in the form of model.ts's ElementDefinition (declared here so that this data imports nothing). */
interface ElementDefinition {
  min: number;
  max: number;
  types: string[];
  choice?: true;
  summary?: true;
  modifier?: true;
  requiredBinding?: string;
  contentReference?: string;
}

/** A resource type in the form of model.ts's TypeDefinition. */
interface TypeDefinition {
  kind: 'resource';
  base: string;
  elements: Record<string, ElementDefinition>;
}

export const VIEW_DEFINITION_PROFILE = 'https://sql-on-fhir.org/ig/StructureDefinition/ViewDefinition';

const el = (min: number, max: number, types: string[], extra: Partial<ElementDefinition> = {}): ElementDefinition => ({ min, max, types, ...extra });

/** The elements every backbone element has (http://hl7.org/fhir/R4/backboneelement.html). */
function backbone(path: string): Record<string, ElementDefinition> {
  return {
    [`${path}.id`]: el(0, 1, ['string']),
    [`${path}.extension`]: el(0, -1, ['Extension']),
    [`${path}.modifierExtension`]: el(0, -1, ['Extension'], { modifier: true }),
  };
}

/** constant.value[x]: the primitive types the logical model allows that exist in R4. */
const CONSTANT_TYPES = ['base64Binary', 'boolean', 'canonical', 'code', 'date', 'dateTime', 'decimal', 'id', 'instant', 'integer', 'oid', 'positiveInt', 'string', 'time', 'unsignedInt', 'uri', 'url', 'uuid'];

/** The ViewDefinition logical model of SQL on FHIR v2, as a resource type in the model's form. */
export const VIEW_DEFINITION_TYPE: TypeDefinition = {
  kind: 'resource',
  base: 'DomainResource',
  elements: {
    id: el(0, 1, ['string'], { summary: true }),
    meta: el(0, 1, ['Meta'], { summary: true }),
    implicitRules: el(0, 1, ['uri'], { summary: true, modifier: true }),
    language: el(0, 1, ['code']),
    text: el(0, 1, ['Narrative']),
    contained: el(0, -1, ['Resource']),
    extension: el(0, -1, ['Extension']),
    modifierExtension: el(0, -1, ['Extension'], { modifier: true }),
    url: el(0, 1, ['uri'], { summary: true }),
    identifier: el(0, 1, ['Identifier'], { summary: true }),
    version: el(0, 1, ['string'], { summary: true }),
    name: el(0, 1, ['string'], { summary: true }),
    title: el(0, 1, ['string'], { summary: true }),
    status: el(1, 1, ['code'], { summary: true, modifier: true, requiredBinding: 'http://hl7.org/fhir/ValueSet/publication-status' }),
    experimental: el(0, 1, ['boolean'], { summary: true }),
    date: el(0, 1, ['dateTime'], { summary: true }),
    publisher: el(0, 1, ['string'], { summary: true }),
    contact: el(0, -1, ['ContactDetail'], { summary: true }),
    description: el(0, 1, ['markdown']),
    useContext: el(0, -1, ['UsageContext'], { summary: true }),
    copyright: el(0, 1, ['markdown']),
    resource: el(1, 1, ['code'], { summary: true, requiredBinding: 'http://hl7.org/fhir/ValueSet/resource-types' }),
    fhirVersion: el(0, -1, ['code'], { summary: true }),
    constant: el(0, -1, ['BackboneElement']),
    ...backbone('constant'),
    'constant.name': el(1, 1, ['string']),
    'constant.value': el(1, 1, CONSTANT_TYPES, { choice: true }),
    select: el(1, -1, ['BackboneElement']),
    ...backbone('select'),
    'select.column': el(0, -1, ['BackboneElement']),
    ...backbone('select.column'),
    'select.column.path': el(1, 1, ['string']),
    'select.column.name': el(1, 1, ['string']),
    'select.column.description': el(0, 1, ['markdown']),
    'select.column.collection': el(0, 1, ['boolean']),
    'select.column.type': el(0, 1, ['uri']),
    'select.column.tag': el(0, -1, ['BackboneElement']),
    ...backbone('select.column.tag'),
    'select.column.tag.name': el(1, 1, ['string']),
    'select.column.tag.value': el(1, 1, ['string']),
    'select.select': el(0, -1, [], { contentReference: 'select' }),
    'select.forEach': el(0, 1, ['string']),
    'select.forEachOrNull': el(0, 1, ['string']),
    'select.repeat': el(0, -1, ['string']),
    'select.unionAll': el(0, -1, [], { contentReference: 'select' }),
    where: el(0, -1, ['BackboneElement']),
    ...backbone('where'),
    'where.path': el(1, 1, ['string']),
    'where.description': el(0, 1, ['string']),
  },
};

/** Resource types Kindred adds to R4, by name. */
export const SUPPLEMENT_TYPES: Readonly<Record<string, TypeDefinition>> = { ViewDefinition: VIEW_DEFINITION_TYPE };

/** True for a resource type that Kindred adds to R4 (stored and searched like any other). */
export function isSupplementResourceType(name: string): boolean {
  return Object.hasOwn(SUPPLEMENT_TYPES, name);
}

interface SupplementSearchParameter {
  url: string;
  type: 'string' | 'token' | 'uri';
  expression: string;
  description: string;
}

/**
 * Search parameters for the supplement types, named and typed as SQL on FHIR publishes them
 * (its SearchParameter resources ViewDefinition-name, -url, -status, -resource).
 */
export const SUPPLEMENT_SEARCH_PARAMETERS: Readonly<Record<string, Readonly<Record<string, SupplementSearchParameter>>>> = {
  ViewDefinition: {
    name: { url: 'http://hl7.org/fhir/SearchParameter/ViewDefinition-name', type: 'string', expression: 'ViewDefinition.name', description: 'The computer-friendly name of the view' },
    url: { url: 'http://hl7.org/fhir/SearchParameter/ViewDefinition-url', type: 'uri', expression: 'ViewDefinition.url', description: 'The canonical url of the view' },
    status: { url: 'http://hl7.org/fhir/SearchParameter/ViewDefinition-status', type: 'token', expression: 'ViewDefinition.status', description: 'draft | active | retired | unknown' },
    resource: { url: 'http://hl7.org/fhir/SearchParameter/ViewDefinition-resource', type: 'token', expression: 'ViewDefinition.resource', description: 'The resource type the view flattens' },
  },
};
