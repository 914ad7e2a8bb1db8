/**
 * Test support (used only by *.test.ts): the error a promise is rejected with, so a test can
 * assert its code, status and words; it fails the test when the promise is fulfilled.
 */
export async function rejection(promise: Promise<unknown>): Promise<{ errorName?: string; status?: number; message: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as { errorName?: string; status?: number; message: string },
  );
}
