import { defineConfig } from 'vitest/config';

// One run covers every package and the whole-system tests. Storage tests run on SQLite always and on
// PostgreSQL when a server answers (see packages/store/src/testing/databases.ts).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
