/**
 * Runs only the deployment checks, without the main config's globalSetup (which starts a
 * Temporal dev server and Postgres these tests do not need):
 *   npx vitest run test/deploy --config test/deploy/vitest.deploy.config.ts
 * The same files also run under the main vitest.config.ts.
 */
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: path.resolve(__dirname, '..', '..'),
    include: ['test/deploy/**/*.test.ts'],
    pool: 'forks',
  },
});
