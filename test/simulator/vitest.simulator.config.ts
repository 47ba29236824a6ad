// Standalone config for the simulator suite: it needs neither Temporal nor Postgres, so it
// skips the repository's globalSetup. `npx vitest run --config test/simulator/vitest.simulator.config.ts`
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(__dirname, '../..'),
  test: {
    include: ['test/simulator/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
