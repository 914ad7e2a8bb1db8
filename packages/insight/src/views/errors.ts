/** The one error the views engine throws: a ViewDefinition that is invalid, or that fails on a resource. */

/**
 * A ViewDefinition that cannot be run, or that met a resource it cannot turn into rows (for
 * example a column without `collection: true` that found several values). The message says what
 * is wrong and where, e.g. `select[0].column[1] (last_name): ...`.
 */
export class ViewDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewDefinitionError';
  }
}
