/** The ViewDefinitions the measure library is built on, installed into the record at start (to be written). */
export const BUILT_IN_VIEWS: readonly Record<string, unknown>[] = [];
