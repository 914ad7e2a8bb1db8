/**
 * The views engine beyond the conformance suite: what callers rely on (columns, row keys in column
 * order, values as in the JSON, keys as "Type/id", CSV) and the messages of ViewDefinitionError,
 * which must say what is wrong and where.
 */
import { describe, expect, it } from 'vitest';
import { compileView, rowsToCsv, runView, ViewDefinitionError } from './index.ts';

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  active: true,
  birthDate: '1970-06-01',
  name: [
    { use: 'official', family: 'Okafor', given: ['Ada', 'Ngozi'] },
    { use: 'nickname', given: ['Ade'] },
  ],
  generalPractitioner: [{ reference: 'https://fhir.example.org/fhir/Practitioner/gp1/_history/2' }],
};
const observation = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { text: 'weight' },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 72.5, unit: 'kg' },
};

const namesView = {
  resourceType: 'ViewDefinition',
  name: 'patient_names',
  resource: 'Patient',
  select: [
    { column: [{ name: 'id', path: 'getResourceKey()', description: 'the key' }, { name: 'born', path: 'birthDate', type: 'date' }] },
    { forEach: 'name', column: [{ name: 'use', path: 'use' }, { name: 'given', path: 'given', collection: true }, { name: 'row', path: '%rowIndex' }] },
  ],
};

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ViewDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected a ViewDefinitionError');
}

describe('compileView', () => {
  it('gives the name, resource and columns in output order', () => {
    const view = compileView(namesView);
    expect(view.name).toBe('patient_names');
    expect(view.resource).toBe('Patient');
    expect(view.columns).toEqual([
      { name: 'id', collection: false, description: 'the key' },
      { name: 'born', collection: false, type: 'date' },
      { name: 'use', collection: false },
      { name: 'given', collection: true },
      { name: 'row', collection: false },
    ]);
    expect(compileView({ resource: 'Patient', select: [{ column: [{ name: 'id', path: 'id' }] }] }).name).toBe('view');
  });

  it('makes rows with keys in column order, values as in the JSON, and nothing for other resource types', () => {
    const view = compileView(namesView);
    const rows = view.rows(patient);
    expect(rows).toEqual([
      { id: 'Patient/p1', born: '1970-06-01', use: 'official', given: ['Ada', 'Ngozi'], row: 0 },
      { id: 'Patient/p1', born: '1970-06-01', use: 'nickname', given: ['Ade'], row: 1 },
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['id', 'born', 'use', 'given', 'row']);
    expect(view.rows(observation)).toEqual([]);
    expect(view.rows(null)).toEqual([]);
  });

  it('keys references as "Type/id", relative or absolute, with or without a version', () => {
    const rows = runView(
      { resource: 'Patient', select: [{ column: [{ name: 'gp', path: 'generalPractitioner.getReferenceKey(Practitioner)' }, { name: 'org', path: 'generalPractitioner.getReferenceKey(Organization)' }] }] },
      [patient],
    );
    expect(rows).toEqual([{ gp: 'Practitioner/gp1', org: null }]);
  });

  it('reads choice types, decimals and constants through FHIRPath', () => {
    const view = {
      resource: 'Observation',
      constant: [{ name: 'limit', valueDecimal: 70 }],
      select: [{ column: [{ name: 'kg', path: 'value.ofType(Quantity).value' }, { name: 'over', path: 'value.ofType(Quantity).value > %limit' }, { name: 'patient', path: 'subject.getReferenceKey()' }] }],
      where: [{ path: "status = 'final'" }],
    };
    expect(runView(view, [observation, { ...observation, id: 'o2', status: 'preliminary' }])).toEqual([{ kg: 72.5, over: true, patient: 'Patient/p1' }]);
  });

  it('leaves the resources it reads unchanged', () => {
    const copy = structuredClone(patient);
    runView(namesView, [copy]);
    expect(copy).toEqual(patient);
  });
});

describe('ViewDefinitionError', () => {
  const select = (column: unknown[]) => [{ column }];

  it('names the place of what is wrong in the view', () => {
    expect(errorOf(() => compileView(null))).toMatch(/must be a JSON object/);
    expect(errorOf(() => compileView({ select: select([{ name: 'id', path: 'id' }]) }))).toMatch(/^resource: give the FHIR resource type/);
    expect(errorOf(() => compileView({ resource: 'Patient', select: [] }))).toMatch(/^select: give at least one select/);
    expect(errorOf(() => compileView({ resource: 'Patients', select: select([{ name: 'id', path: 'id' }]) }))).toBe('resource: "Patients" is not a FHIR R4 resource type.');
    expect(errorOf(() => compileView({ resource: 'Patient', select: select([{ name: 'id', path: 'id' }, { name: 'id', path: 'gender' }]) }))).toBe(
      'view.select[0].column[1] (id): the column name "id" is used twice in this view.',
    );
    expect(errorOf(() => compileView({ resource: 'Patient', select: select([{ name: '1st', path: 'id' }]) }))).toMatch(/^view\.select\[0\]\.column\[0\]: the column name must start with a letter/);
    expect(errorOf(() => compileView({ resource: 'Patient', select: select([{ name: 'id', path: 'name.(' }]) }))).toMatch(/^view\.select\[0\]\.column\[0\] \(id\)\.path: "name\.\(" is not a valid FHIRPath expression/);
    expect(errorOf(() => compileView({ resource: 'Patient', select: [{ forEach: 'name', forEachOrNull: 'name', column: [{ name: 'f', path: 'family' }] }] }))).toMatch(
      /^view\.select\[0\]: use only one of forEach, forEachOrNull and repeat/,
    );
    expect(errorOf(() => compileView({ resource: 'Patient', select: select([{ name: 'n', path: "name.where(use = %wanted or family = '%x')" }]) }))).toMatch(
      /reads %wanted, which is not a constant of this view/,
    );
    expect(errorOf(() => compileView({ resource: 'Patient', constant: [{ name: 'd', valueDate: '12/03/1978' }], select: select([{ name: 'id', path: 'id' }]) }))).toMatch(
      /^constant\[0\] \(d\): the value must be a date/,
    );
    expect(errorOf(() => compileView({ resource: 'Patient', constant: [{ name: 'd', valueString: 'a', valueCode: 'b' }], select: select([{ name: 'id', path: 'id' }]) }))).toMatch(
      /give exactly one value\[x\]/,
    );
    expect(
      errorOf(() => compileView({ resource: 'Patient', select: [{ unionAll: [{ column: [{ name: 'a', path: 'id' }] }, { column: [{ name: 'b', path: 'id' }] }] }] })),
    ).toMatch(/^view\.select\[0\]\.unionAll\[1\]: its columns \(b\) must be the same, in the same order, as unionAll\[0\]'s \(a\)/);
  });

  it('names the column when a resource gives several values to a single-valued column, and a where that is not boolean', () => {
    const view = compileView({ resource: 'Patient', select: select([{ name: 'given', path: 'name.given' }]) });
    expect(errorOf(() => view.rows(patient))).toMatch(/^view\.select\[0\]\.column\[0\] \(given\): "name\.given" gave 3 values for one row; set "collection": true/);
    const where = compileView({ resource: 'Patient', select: select([{ name: 'id', path: 'id' }]), where: [{ path: 'name.family' }] });
    expect(errorOf(() => where.rows(patient))).toBe('where[0].path: "name.family" must give true or false, but gave "Okafor".');
  });
});

describe('rowsToCsv', () => {
  it('writes a header and RFC 4180 fields, empty for null, collections as JSON', () => {
    const view = compileView(namesView);
    expect(rowsToCsv(view.columns, view.rows({ ...patient, name: [{ use: 'usual', given: ['A "B", C'] }] }))).toBe(
      'id,born,use,given,row\r\nPatient/p1,1970-06-01,usual,"[""A \\""B\\"", C""]",0\r\n',
    );
    expect(rowsToCsv([{ name: 'x', collection: false }], [{ x: null }, { x: 'line\nbreak' }])).toBe('x\r\n\r\n"line\nbreak"\r\n');
  });
});
