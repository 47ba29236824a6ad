/**
 * One local Temporal dev server (with its Web UI unless headless), for tests and the demo.
 * We start the CLI ourselves instead of TestWorkflowEnvironment.createLocal() because the
 * SDK waits only 5 s for readiness, too short on a 2-core machine.
 */
import { Connection } from '@temporalio/client';
import { findTemporalCli, NO_TEMPORAL_CLI_HELP } from './temporal-cli';
import { freePort, startManaged, waitFor } from './processes';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServerOptions {
  headless?: boolean;
  /** Dynamic config, e.g. { 'limit.historyCount.suggestContinueAsNew': 200 } so tests can see continue-as-new. */
  dynamicConfig?: Record<string, string | number | boolean>;
  readyTimeoutMs?: number;
  /** The payload codec endpoint the Web UI calls to decrypt payloads (see src/codec/server.ts). */
  uiCodecEndpoint?: string;
  /** A fixed port (default: a free one) and a database file, so a restarted server is the same server. */
  port?: number;
  dbFilename?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const cli = await findTemporalCli({ log });
  if (!cli) throw new Error(NO_TEMPORAL_CLI_HELP);
  const dynamicArgs = Object.entries(options.dynamicConfig ?? {}).flatMap(([k, v]) => [
    '--dynamic-config-value',
    `${k}=${typeof v === 'string' ? JSON.stringify(v) : v}`,
  ]);
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : await freePort();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', ...dynamicArgs, ...devServerSearchAttributeArgs()];
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  const proc = startManaged(cli, args);
  const address = `127.0.0.1:${port}`;
  await waitFor(
    `Temporal dev server at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    },
    options.readyTimeoutMs ?? 90_000,
    proc,
  );
  return { address, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined, stop: () => proc.stop() };
}
