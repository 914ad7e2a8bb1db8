/**
 * Conditional create under concurrency: creates racing with the same If-None-Exist condition make
 * one resource (http://hl7.org/fhir/R4/http.html#ccreate), on every backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchRequest, type Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from './testing/databases.ts';

const backends = await testBackends();

const submission = (token: string): Resource => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  identifier: { system: 'https://example.org/submission', value: token },
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`conditional create under concurrency on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('makes one resource from ten concurrent creates with the same condition', async () => {
      const ifNoneExist = parseSearchRequest('QuestionnaireResponse', [['identifier', 'https://example.org/submission|token-1']], { handling: 'strict' });
      const results = await Promise.all(Array.from({ length: 10 }, () => store.repository.create(submission('token-1'), { ifNoneExist })));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.resource.id)).size).toBe(1);
      const found = await store.repository.search({ ...ifNoneExist, count: 20 });
      expect(found.matches).toHaveLength(1);
    });

    it('does not hold back creates with different conditions', async () => {
      const tokens = Array.from({ length: 10 }, (_, i) => `token-other-${i}`);
      const results = await Promise.all(
        tokens.map((token) =>
          store.repository.create(submission(token), {
            ifNoneExist: parseSearchRequest('QuestionnaireResponse', [['identifier', `https://example.org/submission|${token}`]], { handling: 'strict' }),
          }),
        ),
      );
      expect(results.every((r) => r.created)).toBe(true);
      expect(new Set(results.map((r) => r.resource.id)).size).toBe(10);
    });
  });
}
