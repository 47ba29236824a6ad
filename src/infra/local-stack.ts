/**
 * The embedded default stack: a private Postgres and a Temporal dev server, each replaced
 * by an existing one when DATABASE_URL / TEMPORAL_ADDRESS are set. Used by the demo and
 * the test harness.
 */
import { startPrivatePostgres } from './private-postgres';
import { startTemporalDevServer, type DevServerOptions } from './temporal-dev-server';

export interface LocalStack {
  databaseUrl: string;
  temporalAddress: string;
  /** Set when this stack started the dev server with its UI. */
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: DevServerOptions = {}, env = process.env): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.allSettled(stops.reverse().map((s) => s()));
  };
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startPrivatePostgres();
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let temporalAddress = env.TEMPORAL_ADDRESS;
    let uiUrl: string | undefined;
    if (!temporalAddress) {
      const server = await startTemporalDevServer(options);
      stops.push(server.stop);
      temporalAddress = server.address;
      uiUrl = server.uiUrl;
    }
    return { databaseUrl, temporalAddress, uiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
