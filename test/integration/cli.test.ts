/** The rcsync CLI as users meet it: bad input is one clear line, exit code 2, nothing started. */
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { temporalClient, uniqueName } from '../support/stack';

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
    ['unknown --messages-via', ['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--messages-via', 'zip'], {}, /Unknown --messages-via "zip": choose from auto, export, pages/],
    ['unknown stream', ['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--streams', 'faxes'], {}, /Unknown stream "faxes"/],
    ['missing credentials', ['sync'], { RC_JWT: undefined, RC_CLIENT_ID: undefined }, /No RingCentral credentials/],
    ['unknown account', ['sync', '--account', 'nope'], {}, /Account "nope" is not configured/],
    ['unreachable Temporal', ['sync'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, /Cannot reach Temporal at 127.0.0.1:1/],
    ['unreachable Postgres', ['migrate'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, /Cannot reach Postgres at 127.0.0.1:1/],
    ['missing DATABASE_URL', ['migrate'], { DATABASE_URL: undefined }, /DATABASE_URL is not set/],
    ['schedule without interval', ['schedule', 'create'], {}, /exactly one of --every/],
    ['impossible date', ['backfill', '--from', '2026-02-30', '--to', '2026-03-05'], {}, /--from "2026-02-30" is not a calendar date/],
    ['not a cron', ['schedule', 'create', '--cron', 'not a cron'], {}, /--cron "not a cron" is not a cron expression/],
    ['non-postgres URL', ['migrate'], { DATABASE_URL: 'mysql://user@127.0.0.1:3306/warehouse' }, /DATABASE_URL has scheme "mysql:".*postgres:\/\//],
    ['missing accounts file', ['sync'], { RC_ACCOUNTS_FILE: '/nonexistent/accounts.json' }, /RC_ACCOUNTS_FILE \(\/nonexistent\/accounts.json\) not found/],
    ['database does not exist', ['migrate'], { DATABASE_URL: 'ADMIN:/rcsync_no_such_database' }, /database in DATABASE_URL does not exist/],
    ['unknown Postgres user', ['migrate'], { DATABASE_URL: 'ADMIN:nobody_here' }, /refused the login \(authentication failed\)/],
    ['unknown namespace', ['status'], { TEMPORAL_NAMESPACE: 'no-such-namespace' }, /Namespace "no-such-namespace" not found.*TEMPORAL_NAMESPACE/],
    ['check without a worker', ['check'], {}, /No worker is polling task queue "cli-test-queue": start `rcsync worker`/],
    ['sync --wait without a worker', ['sync', '--wait'], {}, /No worker is polling task queue "cli-test-queue"/],
    ['simulator port out of range', ['simulator', '--port', '99999'], {}, /--port must be a whole number from 0 to 65535, got "99999"/],
    ['simulator negative extensions', ['simulator', '--extensions', '-5'], {}, /--extensions must be a whole number from 1/],
    ['simulator zero days', ['simulator', '--days', '0'], {}, /--days must be a whole number from 1 to 365, got "0"/],
    ['demo with unreachable Postgres', ['demo', '--exit'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, /Cannot reach Postgres at 127.0.0.1:1/],
    ['old message include list', ['worker'], { RCSYNC_MESSAGE_EXTENSION_TYPES: 'User' }, /RCSYNC_MESSAGE_EXTENSION_TYPES is no longer read.*RCSYNC_MESSAGES_EXCLUDE_TYPES/],
    ['bad follow period', ['worker'], { RCSYNC_MESSAGES_FOLLOW_DAYS: 'a month' }, /RCSYNC_MESSAGES_FOLLOW_DAYS must be a positive whole number/],
    ['bad message budget share', ['worker'], { RCSYNC_MESSAGES_BUDGET_SHARE: '50%' }, /RCSYNC_MESSAGES_BUDGET_SHARE must be a share above 0 and at most 1, e.g. 0.5, got "50%"/],
  ];

  /** ADMIN:/db swaps the database of the test cluster's URL, ADMIN:user its user. */
  function resolveUrl(value: string): string {
    if (!value.startsWith('ADMIN:')) return value;
    const url = new URL(inject('adminDatabaseUrl'));
    const rest = value.slice('ADMIN:'.length);
    if (rest.startsWith('/')) url.pathname = rest;
    else url.username = rest;
    return url.toString();
  }

  it.each(cases)('%s: one line naming the problem, exit 2, nothing started', async (_name, argv, env, message) => {
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = resolveUrl(v);
    const before = await countWorkflows();
    const started = Date.now();
    const code = await run(argv);
    expect(Date.now() - started, 'answers within seconds').toBeLessThan(15_000);
    expect(code).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(errors[0]).not.toMatch(/csecret-value|jwt-value/);
    expect(await countWorkflows()).toBe(before);
  });

  it('simulator on a port in use: one line naming the port and the fix', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      expect(await run(['simulator', '--port', String(port)])).toBe(2);
      expect(errors).toEqual([`rcsync: simulator: port ${port} is in use: choose another with --port (0 picks a free one).`]);
    } finally {
      busy.close();
    }
  });

  it('status lists runs on a task queue whose name holds a quote, and refuses names no search can match', async () => {
    process.env.TEMPORAL_TASK_QUEUE = 'say "hi"';
    expect(await run(['status'])).toBe(2);
    expect(errors).toEqual(['rcsync: TEMPORAL_TASK_QUEUE "say \\"hi\\"" holds a double quote, backslash or control character, which Temporal\'s run search cannot match: rename it.']);
    errors.length = 0;
    const queue = `it's-a-queue`;
    process.env.TEMPORAL_TASK_QUEUE = queue;
    const { client, connection } = await temporalClient();
    const workflowId = `quoted-queue-${Date.now()}`;
    const handle = await client.workflow.start('accountSyncWorkflow', { taskQueue: queue, workflowId, args: [{ accountId: 'default' }] });
    try {
      // Visibility is eventually consistent: the run appears within seconds.
      await vi.waitFor(async () => {
        out.length = 0;
        expect(await run(['status'])).toBe(0);
        expect(out.join('\n')).toContain(workflowId);
      }, { timeout: 15_000, interval: 500 });
      expect(errors).toEqual([]);
    } finally {
      await handle.terminate('test done');
      await connection.close();
    }
  });

  it('status --wait of a run nobody polls for says so within seconds, exit 2', async () => {
    const { client, connection } = await temporalClient();
    const workflowId = `unpolled-${Date.now()}`;
    const handle = await client.workflow.start('accountSyncWorkflow', { taskQueue: 'cli-test-queue', workflowId, args: [{ accountId: 'default' }] });
    try {
      const started = Date.now();
      expect(await run(['status', workflowId, '--wait'])).toBe(2);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(errors).toEqual(['rcsync: No worker is polling task queue "cli-test-queue": start `rcsync worker` (with TEMPORAL_TASK_QUEUE=cli-test-queue) and try again.']);
    } finally {
      await handle.terminate('test done');
      await connection.close();
    }
  });

  it('demo with an unreachable Temporal: one line, exit 2, the given database left untouched', async () => {
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    const name = uniqueName('rcsync_untouched');
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject('adminDatabaseUrl'));
    url.pathname = `/${name}`;
    try {
      process.env.DATABASE_URL = url.toString();
      process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
      expect(await run(['demo', '--exit'])).toBe(2);
      expect(errors).toEqual(['rcsync: Cannot reach Temporal at 127.0.0.1:1: start it (e.g. `temporal server start-dev`) or set TEMPORAL_ADDRESS.']);
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'ringcentral'`);
      await db.end();
      expect(rows[0].n, 'no migrations applied').toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it.each(['describe', 'pause', 'unpause', 'trigger', 'delete'])('schedule %s of a missing schedule suggests commands that work', async (action) => {
    expect(await run(['schedule', action, '--account', 'default'])).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rcsync: No schedule for account "default" \(rcsync-sync-default\)/);
    // Each suggested command, run as printed, succeeds or names the next step: never another dead end.
    const suggested = [...errors[0].matchAll(/`rcsync ([^`]+)`/g)].map((m) => m[1]);
    expect(suggested.length).toBeGreaterThan(0);
    for (const command of suggested) {
      errors.length = 0;
      const argv = command.match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
      expect(await run(argv), `${command}: ${errors.join(' ')}`).toBe(0);
    }
    await run(['schedule', 'delete', '--account', 'default']);
  });

  it('schedule commands for an account not configured here suggest the configured ones', async () => {
    expect(await run(['schedule', 'describe', '--account', 'nope'])).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/No schedule for account "nope" .*`rcsync schedule list`/);
    expect(errors[0]).not.toMatch(/schedule create --account nope/);
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
