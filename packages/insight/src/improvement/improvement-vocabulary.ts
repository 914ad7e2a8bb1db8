/**
 * The words of the innovation log in the record: the improvement code system (an idea or problem,
 * a plan-do-study-act cycle), the stages an idea moves through and the Task.status that goes with
 * each, the input and output types of a cycle, and the extension that names the page an idea was
 * reported from. Data only.
 */

export const IMPROVEMENT_SYSTEM = 'https://kindred.health/fhir/CodeSystem/improvement';
export const IMPROVEMENT_IDEA = 'improvement-idea';
export const PDSA_CYCLE = 'pdsa-cycle';

/** Task.businessStatus of an idea: where it is in the log. */
export const STAGE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/improvement-stage';
export const Stage = { idea: 'idea', test: 'test', adopt: 'adopt', drop: 'drop' } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];
export const STAGES: readonly Stage[] = [Stage.idea, Stage.test, Stage.adopt, Stage.drop];

/** Task.status alongside each stage (http://hl7.org/fhir/R4/valueset-task-status.html). */
export const STATUS_OF_STAGE: Readonly<Record<Stage, string>> = { idea: 'requested', test: 'in-progress', adopt: 'completed', drop: 'cancelled' };

export const STAGE_NAMES: Readonly<Record<Stage, string>> = { idea: 'Idea', test: 'Testing', adopt: 'Adopted', drop: 'Dropped' };

/** Task.input.type and Task.output.type of a cycle. */
export const PART_SYSTEM = 'https://kindred.health/fhir/CodeSystem/pdsa-part';
export const Part = { title: 'title', prediction: 'prediction', measure: 'measure', study: 'study', act: 'act' } as const;
export type Part = (typeof Part)[keyof typeof Part];

/** What the study decided (the "act" of plan-do-study-act). */
export const Act = { adopt: 'adopt', adapt: 'adapt', abandon: 'abandon' } as const;
export type Act = (typeof Act)[keyof typeof Act];
export const ACTS: readonly Act[] = [Act.adopt, Act.adapt, Act.abandon];
export const ACT_NAMES: Readonly<Record<Act, string>> = { adopt: 'Adopt the change', adapt: 'Adapt it and test again', abandon: 'Abandon it' };

/** The page of Kindred an idea was reported from (valueUrl, a path within the app). */
export const REPORTED_FROM_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/reported-from-page';

/** A measure of the library as a canonical (Task.input.valueCanonical). */
export const MEASURE_CANONICAL_BASE = 'https://kindred.health/fhir/Measure/';

export function measureCanonical(measureId: string): string {
  return `${MEASURE_CANONICAL_BASE}${measureId}`;
}

/** The measure id a canonical (or a plain id) names. */
export function measureIdOf(canonical: string): string {
  const bare = canonical.split('|')[0] ?? canonical;
  return bare.startsWith(MEASURE_CANONICAL_BASE) ? bare.slice(MEASURE_CANONICAL_BASE.length) : bare;
}
