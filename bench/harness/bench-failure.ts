/**
 * The one error a benchmark step throws when its figure would be meaningless: an import that did
 * not load everything, a search that answered wrongly, HTTP requests that failed. The run reports
 * it loudly, records it in the results file and exits non-zero; it never becomes a slow number.
 */
export class BenchFailure extends Error {
  override readonly name: string = 'BenchFailure';
}
