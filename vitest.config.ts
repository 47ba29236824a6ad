import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The simulator package from its source, as in tsconfig.json's paths (no build needed).
  resolve: { alias: { 'ringcentral-simulator': path.resolve(__dirname, 'packages/ringcentral-simulator/src/index.ts') } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // One Temporal dev server and one Postgres cluster for the whole run.
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-logging.ts'],
    // Worker threads break Temporal's native bridge; forked processes do not.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
