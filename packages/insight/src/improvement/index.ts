/**
 * Improvement: the innovation log (ideas and problems reported from any staff page, routed to the
 * team that owns that part of the service) and plan-do-study-act cycles, all as Tasks that name no
 * person. See improvement-ideas.ts and pdsa-cycles.ts for the FHIR mapping.
 */
export {
  ACTS,
  ACT_NAMES,
  Act,
  IMPROVEMENT_IDEA,
  IMPROVEMENT_SYSTEM,
  PDSA_CYCLE,
  REPORTED_FROM_EXTENSION,
  STAGES,
  STAGE_NAMES,
  STATUS_OF_STAGE,
  Stage,
  measureCanonical,
  measureIdOf,
} from './improvement-vocabulary.ts';
export {
  DEFAULT_ROUTING,
  ROUTING_SETTING,
  RoutingTableError,
  loadRoutingTable,
  parseRoutingTable,
  routeIdea,
  ruleFor,
  type OwnerRule,
  type RouteContext,
  type RoutingRule,
  type RoutingTable,
  type Team,
} from './improvement-routing.ts';
export { MAX_IDEA_LENGTH, addIdeaNote, ideaOf, listIdeas, moveIdea, ownsIdea, readIdea, reportIdea, type Idea, type IdeaNote, type NewIdea, type StaffMember } from './improvement-ideas.ts';
export { cycleOf, cycleProblems, improvementMarkers, listCycles, readCycle, startCycle, updateCycle, type CycleFields, type PdsaCycle } from './pdsa-cycles.ts';
