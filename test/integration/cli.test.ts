/** The rcsync CLI as users meet it: bad input is one clear line, exit code 2, nothing started. */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { temporalClient } from '../support/stack';

const CREDS = { RC_SERVER_URL: 'http://127.0.0.1:9', RC_CLIENT_ID: 'cid', RC_CLIENT_SECRET: 'csecret-value', RC_JWT: 'jwt-value' };

describe('rcsync CLI', () => {
  let errors: string[];
  let out: string[];
  const saved = { ...process.env };

  beforeEach(() => {
    errors = [];
    out = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    process.env = { ...saved, ...CREDS, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: 'cli-test-queue' };
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  async function countWorkflows(): Promise<number> {
    const { client, connection } = await temporalClient();
    let n = 0;
    for await (const _ of client.workflow.list({ query: `TaskQueue = 'cli-test-queue'` })) n++;
    await connection.close();
    return n;
  }

  const cases: Array<[string, string[], Record<string, string | undefined>, RegExp]> = [
    ['reversed range', ['backfill', '--from', '2026-11-20', '--to', '2026-11-01'], {}, /--from .* must be before --to/],
    ['malformed date', ['backfill', '--from', 'last week', '--to', '2026-11-01'], {}, /--from "last week" is not a date/],
    ['beyond retention', ['backfill', '--from', '2020-01-01', '--to', '2020-02-01'], {}, /12-month call-log retention/],
    ['unknown stream', ['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--streams', 'faxes'], {}, /Unknown stream "faxes"/],
    ['missing credentials', ['sync'], { RC_JWT: undefined, RC_CLIENT_ID: undefined }, /No RingCentral credentials/],
    ['unknown account', ['sync', '--account', 'nope'], {}, /Account "nope" is not configured/],
    ['unreachable Temporal', ['sync'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /Cannot reach Temporal at 127.0.0.1:1/],
    ['unreachable Postgres', ['migrate'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, /Cannot reach Postgres at 127.0.0.1:1/],
    ['missing DATABASE_URL', ['migrate'], { DATABASE_URL: undefined }, /DATABASE_URL is not set/],
    ['schedule without interval', ['schedule', 'create'], {}, /exactly one of --every/],
    ['old message include list', ['worker'], { RCSYNC_MESSAGE_EXTENSION_TYPES: 'User' }, /RCSYNC_MESSAGE_EXTENSION_TYPES is no longer read.*RCSYNC_MESSAGES_EXCLUDE_TYPES/],
    ['bad follow period', ['worker'], { RCSYNC_MESSAGES_FOLLOW_DAYS: 'a month' }, /RCSYNC_MESSAGES_FOLLOW_DAYS must be a positive whole number/],
  ];

  it.each(cases)('%s: one line naming the problem, exit 2, nothing started', async (_name, argv, env, message) => {
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    const before = await countWorkflows();
    const code = await run(argv);
    expect(code).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(errors[0]).not.toMatch(/csecret-value|jwt-value/);
    expect(await countWorkflows()).toBe(before);
  });

  it('prints help for every command', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
    for (const cmd of ['worker', 'sync', 'backfill', 'status', 'cancel', 'schedule', 'migrate', 'simulator', 'demo', 'check']) {
      writes.length = 0;
      expect(await run([cmd, '--help'])).toBe(0);
      expect(writes.join('')).toMatch(new RegExp(`Usage: rcsync ${cmd}`));
    }
  });
});
