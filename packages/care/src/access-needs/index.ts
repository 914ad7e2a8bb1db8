/** The communication and access needs profile (issue 4, "Access needs and channels"; decision 0013), recorded once on the Patient. */
export {
  ACCESS_NEEDS_EXTENSION,
  BSL_LANGUAGE,
  DEFAULT_ACCESS_NEEDS,
  INTERPRETER_REQUIRED_EXTENSION,
  LANGUAGE_SYSTEM,
  languageName,
  readAccessNeeds,
  withAccessNeeds,
  type AccessNeeds,
} from './access-needs.ts';
export { accessNeedsSummary, communicationProfileOf, nameOf, type ProfileOptions } from './access-needs-summary.ts';
export { MAX_ADJUSTMENT_LENGTH, MAX_ADJUSTMENTS, parseAccessNeedsForm, type FieldError, type FormFields } from './access-needs-form.ts';
export { saveAccessNeeds, type SaveAccessNeedsOptions } from './save-access-needs.ts';
