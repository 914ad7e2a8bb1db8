export { BUILT_IN_VIEWS } from './built-in-views.ts';
