/**
 * Starts ONE Temporal dev server and ONE private Postgres for the whole test run, unless
 * TEMPORAL_ADDRESS / DATABASE_URL point at existing ones. Test files get their own database
 * and task queue (see stack.ts), so they can run in parallel.
 */
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../src/infra/local-stack';

// Low enough that tests see continue-as-new on modest histories.
export const TEST_SUGGEST_CONTINUE_AS_NEW_EVENTS = 500;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startLocalStack({
    headless: true,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': TEST_SUGGEST_CONTINUE_AS_NEW_EVENTS },
  });
  project.provide('temporalAddress', stack.temporalAddress);
  project.provide('adminDatabaseUrl', stack.databaseUrl);
  return stack.stop;
}
