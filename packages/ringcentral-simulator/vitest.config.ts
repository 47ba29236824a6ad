// The package's own suite: it needs neither Temporal nor Postgres, so it runs without the
// repository's globalSetup. `npm test -w ringcentral-simulator` (or `npx vitest run` here).
// The repository's `npm test` runs the same files under its own config.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(__dirname),
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
