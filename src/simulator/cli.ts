// Command-line use: `tsx src/simulator/cli.ts --port 9000 --seed 1 --extensions 500 --days 30`
// (the lead wires the same function to `rcsync simulator`). Prints the settings a client needs
// as RC_* lines and serves until SIGINT/SIGTERM.

import { startSimulator } from './start';
import type { SimulatorOptions } from './types';

export interface CliOptions extends SimulatorOptions {
  port?: number;
}

export interface CliIo {
  log: (line: string) => void;
  /** Resolve to stop serving; default waits for SIGINT/SIGTERM. */
  until?: Promise<unknown>;
}

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag} expects a number, got "${v}"`);
  return n;
};

/** Flags win over RC_* environment variables, which win over built-in demo defaults. */
export function parseSimulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else flags.set(a.slice(2), argv[++i] ?? '');
  }
  const known = new Set(['port', 'host', 'seed', 'extensions', 'days', 'client-id', 'client-secret', 'jwt', 'events-per-day',
    'calls-per-extension-per-day', 'messages-per-extension-per-day', 'clock-speed', 'now', 'account-id', 'public-url']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown flag --${k}`);
  const f = (k: string): string | undefined => flags.get(k);
  const now = f('now');
  return {
    port: num(f('port'), '--port') ?? 9000,
    host: f('host'),
    seed: num(f('seed'), '--seed'),
    extensions: num(f('extensions'), '--extensions'),
    days: num(f('days'), '--days'),
    clientId: f('client-id') ?? env.RC_CLIENT_ID,
    clientSecret: f('client-secret') ?? env.RC_CLIENT_SECRET,
    jwt: f('jwt') ?? env.RC_JWT,
    eventsPerDay: num(f('events-per-day'), '--events-per-day'),
    callsPerExtensionPerDay: num(f('calls-per-extension-per-day'), '--calls-per-extension-per-day'),
    messagesPerExtensionPerDay: num(f('messages-per-extension-per-day'), '--messages-per-extension-per-day'),
    // A served simulator lets simulated time flow with wall time so new calls keep arriving.
    clockSpeed: num(f('clock-speed'), '--clock-speed') ?? 1,
    now: now === 'now' ? new Date() : now,
    accountId: f('account-id'),
    publicUrl: f('public-url'),
  };
}

export async function serveSimulatorFromCli(opts: CliOptions, io: CliIo = { log: (l) => console.log(l) }): Promise<void> {
  const clean = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as CliOptions;
  const sim = await startSimulator(clean);
  const { clientId, clientSecret, jwt } = sim.credentials;
  const o = sim.options;
  io.log(`RingCentral simulator: ${o.extensions} extensions, ${o.days} days of history, seed ${o.seed}, simulated now ${new Date(sim.clock.now()).toISOString()}`);
  io.log(`RC_SERVER_URL=${sim.url}`);
  // Values taken from the environment may be real credentials: never echo those.
  const show = (name: string, value: string) => io.log(process.env[name] === value ? `# ${name}: as already set in your environment` : `${name}=${value}`);
  show('RC_CLIENT_ID', clientId);
  show('RC_CLIENT_SECRET', clientSecret);
  show('RC_JWT', jwt);
  const stop =
    io.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  await stop;
  await sim.close();
  io.log('RingCentral simulator stopped');
}

export async function runSimulatorCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  await serveSimulatorFromCli(parseSimulatorArgs(argv));
}

if (require.main === module) {
  runSimulatorCli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
