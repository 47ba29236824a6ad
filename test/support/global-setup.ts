/**
 * Starts ONE Temporal dev server and ONE private Postgres for the whole test run, unless
 * TEMPORAL_ADDRESS / DATABASE_URL point at existing ones. Test files get their own database
 * and task queue (see stack.ts), so they can run in parallel.
 */
import type { TestProject } from 'vitest/node';
import { startPrivatePostgres } from '../../src/infra/private-postgres';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server';

// Low enough that tests see continue-as-new on modest histories.
export const TEST_SUGGEST_CONTINUE_AS_NEW_EVENTS = 500;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startPrivatePostgres();
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let temporalAddress = process.env.TEMPORAL_ADDRESS;
    if (!temporalAddress) {
      const server = await startTemporalDevServer({
        headless: true,
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': TEST_SUGGEST_CONTINUE_AS_NEW_EVENTS },
      });
      stops.push(server.stop);
      temporalAddress = server.address;
    }
    project.provide('temporalAddress', temporalAddress);
    project.provide('adminDatabaseUrl', databaseUrl);
  } catch (err) {
    await Promise.allSettled(stops.map((stop) => stop()));
    throw err;
  }
  return async () => {
    await Promise.allSettled(stops.reverse().map((stop) => stop()));
  };
}
