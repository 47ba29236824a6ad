// The simulator CLI's options, defined once (commander) for its own bin and for
// `rcsync simulator`, which hands its arguments over unparsed.

import { Command, InvalidArgumentError } from 'commander';
import { parseRateLimits } from './rate-limit-spec';
import type { SimulatorOptions } from './types';

export interface CliOptions extends SimulatorOptions {
  port?: number;
}

const num = (flag: string) => (v: string): number => {
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number, got "${v}".`);
  return n;
};

/** A whole number within the range the simulator can serve sensibly. */
const whole = (flag: string, min: number, max: number) => (v: string): number => {
  const n = Number(v);
  if (v === '' || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${v}".`);
  return n;
};

const positive = (flag: string) => (v: string): number => {
  const n = num(flag)(v);
  if (!(n > 0)) throw new InvalidArgumentError(`${flag} expects a number > 0, got "${v}".`);
  return n;
};

const rateLimits = (v: string): ReturnType<typeof parseRateLimits> => {
  try {
    return parseRateLimits(v);
  } catch (err) {
    throw new InvalidArgumentError(`--rate-limits: ${(err as Error).message}.`);
  }
};

/** The one definition of the CLI's options; `name` is how help and errors call the program. */
export function simulatorCommand(name = 'ringcentral-simulator'): Command {
  return new Command(name)
    .description('Serve a simulated RingCentral account (seeded, living) and print the RC_* settings a client needs')
    .option('--port <n>', 'port to listen on (0 = any free port)', whole('--port', 0, 65_535), 9000)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed: the same seed serves byte-identical data', num('--seed'), 1)
    .option('--extensions <n>', 'extensions in the account', whole('--extensions', 1, 100_000), 500)
    .option('--days <n>', 'days of call and message history', whole('--days', 1, 365), 30)
    .option('--client-id <id>', 'client id to accept (default RC_CLIENT_ID or a demo value)')
    .option('--client-secret <secret>', 'client secret to accept (default RC_CLIENT_SECRET or a demo value)')
    .option('--jwt <jwt>', 'JWT to accept (default RC_JWT or a demo value)')
    .option('--events-per-day <n>', 'mean random lifecycle events (hires, departures, changes) per simulated day', num('--events-per-day'))
    .option('--calls-per-extension-per-day <n>', 'mean call records per extension per day', num('--calls-per-extension-per-day'))
    .option('--messages-per-extension-per-day <n>', 'mean messages per extension per day', num('--messages-per-extension-per-day'))
    .option('--clock-speed <x>', 'simulated seconds per real second (0 freezes time)', num('--clock-speed'), 1)
    .option('--now <iso>', 'simulated time at start: an ISO date, or "now"', 'now')
    .option('--account-id <id>', 'account id the API answers to')
    .option('--public-url <url>', 'base URL written into uri and navigation fields (default: the server address)')
    .option('--rate-limits <spec>', 'custom limits per group, e.g. Heavy=3/10s,Light=100/60s (others keep the defaults)', rateLimits)
    .option('--rate-window-scale <x>', 'multiply every rate window (and penalty) by x, e.g. 0.1: 60 s windows become 6 s', positive('--rate-window-scale'))
    .option('--export-task-seconds <n>', 'simulated seconds a message-store export task takes to complete', positive('--export-task-seconds'))
    .option('--control', 'serve the control surface (stats, truth, clock, events, faults) under /_sim/ to loopback clients')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false);
}

/** Commander's parsed flags → simulator options. Flags win over RC_* environment variables, which win over demo defaults. */
function toOptions(f: Record<string, unknown>, env: NodeJS.ProcessEnv): CliOptions {
  const str = (k: string): string | undefined => f[k] as string | undefined;
  return {
    port: f.port as number,
    host: str('host'),
    seed: f.seed as number,
    extensions: f.extensions as number,
    days: f.days as number,
    clientId: str('clientId') ?? env.RC_CLIENT_ID,
    clientSecret: str('clientSecret') ?? env.RC_CLIENT_SECRET,
    jwt: str('jwt') ?? env.RC_JWT,
    eventsPerDay: f.eventsPerDay as number | undefined,
    callsPerExtensionPerDay: f.callsPerExtensionPerDay as number | undefined,
    messagesPerExtensionPerDay: f.messagesPerExtensionPerDay as number | undefined,
    // A served simulator lets simulated time flow with wall time so new calls keep arriving.
    clockSpeed: f.clockSpeed as number,
    now: str('now') === 'now' ? new Date() : str('now'),
    accountId: str('accountId'),
    publicUrl: str('publicUrl'),
    control: f.control === true,
    rateLimits: f.rateLimits as CliOptions['rateLimits'],
    rateWindowScale: f.rateWindowScale as number | undefined,
    exportTaskMs: f.exportTaskSeconds === undefined ? undefined : Math.round((f.exportTaskSeconds as number) * 1000),
  };
}

/** Parses argv once; throws commander's error (its message names the bad flag) on bad input. */
export function parseSimulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, name?: string): CliOptions {
  const cmd = simulatorCommand(name).exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse([...argv], { from: 'user' });
  return toOptions(cmd.opts(), env);
}
