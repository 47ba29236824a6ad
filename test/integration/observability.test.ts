/**
 * What operators watch, from a real `rcsync worker` process after a backfill and a sync:
 * the Prometheus metrics (the product's and the Temporal runtime's) scraped over HTTP and
 * checked against what the simulator served and the warehouse holds; and the worker's JSON
 * log lines, each with its context keys and none of the personal data or secrets served.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, TemporalPinoLogger } from '../../src/infra/logging';
import { freePort, waitFor } from '../../src/infra/processes';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { metricNames } from '../deploy/monitoring-lint';
import { parseExposition, sampleValue, type Sample } from '../support/exposition';
import { findLeaks, logText, servedSecrets } from '../support/leak-scan';
import { ACCOUNT, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;
const ROOT = path.resolve(__dirname, '..', '..');
const GROUPS = ['Auth', 'Light', 'Medium', 'Heavy'];

describe('watching a worker: metrics and structured logs', () => {
  const stack = useSyncStack({ seed: 31, extensions: 10, days: 2, callsPerExtensionPerDay: 40, messagesPerExtensionPerDay: 8 }, undefined, 0);
  let worker: WorkerProcess;
  let productUrl: string;
  let temporalUrl: string;
  let servedFrom: number;

  beforeAll(async () => {
    const [product, temporal] = [await freePort(), await freePort()];
    productUrl = `http://127.0.0.1:${product}/metrics`;
    temporalUrl = `http://127.0.0.1:${temporal}/metrics`;
    worker = spawnWorkerProcess({
      ...stackEnv(stack),
      RCSYNC_MAX_PAGE_SIZE: '10',
      RCSYNC_LOG_LEVEL: 'DEBUG',
      RCSYNC_METRICS_ADDRESS: `127.0.0.1:${product}`,
      RCSYNC_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${temporal}`,
    });
    await waitFor('the worker metrics endpoint', async () => (await fetch(productUrl)).ok, 120_000);
    stack.sim.resetStats();
    // A full sync with trouble in it: 429s, server errors, a mailbox RingCentral refuses.
    stack.sim.faults.add({ kind: '429-burst', times: 2, retryAfterSec: 1, match: { path: /call-log/ } });
    stack.sim.faults.add({ kind: '503', times: 2, match: { path: /message-store/ } });
    stack.sim.faults.add({ kind: '403', times: 1, match: { path: /message-sync/ } });
    const now = stack.sim.clock.now();
    servedFrom = now - 2 * 24 * HOUR;
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `observed-backfill-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from: new Date(now - 24 * HOUR).toISOString(), to: new Date(now - 10 * 60_000).toISOString(), streams: ['call_log', 'messages'], windowMs: 6 * HOUR }],
    });
    stack.sim.clock.advance(HOUR);
    const sync = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `observed-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    expect(sync.phase).toBe('done');
    stack.sim.faults.clear();
  }, 300_000);
  afterAll(() => worker?.kill());

  const scrape = async (url: string): Promise<Sample[]> => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };
  const count = async (sql: string) => Number((await stack.db.pool.query(sql, [ACCOUNT])).rows[0].n);

  it('counts the requests, 429s and waits per rate group that the API saw', async () => {
    const samples = await scrape(productUrl);
    const log = stack.sim.requestLog();
    expect(log.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(2);
    for (const group of GROUPS) {
      const at = { account: ACCOUNT, rate_group: group };
      // Every request passes the governor first, so a granted slot is a request the server received.
      expect(sampleValue(samples, 'rcsync_api_requests_total', at), `${group} requests`).toBe(log.filter((r) => r.group === group).length);
      expect(sampleValue(samples, 'rcsync_api_rate_limited_total', at) ?? 0, `${group} 429s`).toBe(log.filter((r) => r.group === group && r.status === 429).length);
      const utilisation = sampleValue(samples, 'rcsync_rate_budget_utilisation_ratio', at)!;
      expect(utilisation).toBeGreaterThanOrEqual(0);
      expect(utilisation).toBeLessThanOrEqual(1);
    }
    // The 429s froze the Heavy group for their Retry-After: requests were told to wait.
    expect(sampleValue(samples, 'rcsync_rate_wait_seconds_total', { account: ACCOUNT, rate_group: 'Heavy' })).toBeGreaterThan(0);
  });

  it('counts rows written per stream, run outcomes and merges as the warehouse records them', async () => {
    const samples = await scrape(productUrl);
    const written = (stream: string) => sampleValue(samples, 'rcsync_records_written_total', { account: ACCOUNT, stream }) ?? 0;
    // Every row was written at least once (re-fetched changes count again).
    const rows = {
      call_log: await count('SELECT count(*) AS n FROM ringcentral.call_log_record WHERE account_id = $1'),
      messages: await count('SELECT count(*) AS n FROM ringcentral.message WHERE account_id = $1'),
      extensions: await count('SELECT count(*) AS n FROM ringcentral.extension_snapshot WHERE account_id = $1'),
      directory: await count('SELECT count(*) AS n FROM ringcentral.directory_entry_snapshot WHERE account_id = $1'),
    };
    for (const [stream, n] of Object.entries(rows)) {
      expect(n, stream).toBeGreaterThan(0);
      expect(written(stream), stream).toBeGreaterThanOrEqual(n);
    }
    for (const kind of ['backfill', 'sync']) {
      const succeeded = await count(`SELECT count(*) AS n FROM ringcentral.sync_run WHERE account_id = $1 AND kind = '${kind}' AND status = 'succeeded'`);
      expect(succeeded).toBe(1);
      expect(sampleValue(samples, 'rcsync_sync_runs_total', { account: ACCOUNT, kind, outcome: 'succeeded' })).toBe(succeeded);
    }
    const merges = await count('SELECT count(*) AS n FROM ringcentral.dim_extension_merge WHERE account_id = $1');
    expect(sampleValue(samples, 'rcsync_dimension_merge_duration_seconds_count', { account: ACCOUNT })).toBe(merges);
    expect(sampleValue(samples, 'rcsync_dimension_merge_duration_seconds_sum', { account: ACCOUNT })).toBeGreaterThan(0);
  });

  it('reports freshness per stream: now minus the newest record in the warehouse', async () => {
    const samples = await scrape(productUrl);
    const { rows } = await stack.db.pool.query<{ stream: string; age: number }>(
      `SELECT 'call_log' AS stream, extract(epoch FROM now() - max(start_time))::float8 AS age FROM ringcentral.call_log_record WHERE account_id = $1
       UNION ALL SELECT 'messages', extract(epoch FROM now() - max(creation_time))::float8 FROM ringcentral.message WHERE account_id = $1
       UNION ALL SELECT stream, extract(epoch FROM now() - max(captured_at))::float8 FROM ringcentral.snapshot WHERE account_id = $1 GROUP BY stream`,
      [ACCOUNT],
    );
    expect(rows.map((r) => r.stream).sort()).toEqual(['call_log', 'directory', 'extensions', 'messages']);
    for (const r of rows) {
      const freshness = sampleValue(samples, 'rcsync_freshness_seconds', { account: ACCOUNT, stream: r.stream });
      expect(freshness, r.stream).toBeDefined();
      expect(Math.abs(freshness! - r.age), r.stream).toBeLessThan(10);
    }
  });

  it("serves the Temporal runtime's own metrics on its own address", async () => {
    const samples = await scrape(temporalUrl);
    const activityTasks = samples.filter((s) => s.name.startsWith('temporal_activity_execution_latency') && s.name.endsWith('_count') && s.labels.task_queue === stack.taskQueue);
    expect(activityTasks.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(10);
    // Every Temporal metric the shipped dashboard charts is one this runtime serves.
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'deploy', 'monitoring', 'grafana-dashboard.json'), 'utf8'));
    const charted = metricNames(JSON.stringify(dashboard.panels), 'temporal_');
    expect(charted.size).toBeGreaterThanOrEqual(4);
    const served = new Set(samples.map((s) => s.name));
    expect([...charted].filter((name) => !served.has(name))).toEqual([]);
  });

  it('SIGTERM drains the worker and it exits 0, closing both metrics endpoints', async () => {
    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM'); // the tsx wrapper passes it on to the worker's node process
    const [code] = await exited;
    expect(code).toBe(0);
    for (const url of [productUrl, temporalUrl]) await expect(fetch(url)).rejects.toThrow();
  });

  it('a metrics address in use stops `rcsync worker` before it starts: exit 2, one line naming the variable', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    const { port } = holder.address() as AddressInfo;
    try {
      const child = spawnWorkerProcess({ ...stackEnv(stack), RCSYNC_METRICS_ADDRESS: `127.0.0.1:${port}` });
      const [code] = await once(child.child, 'exit');
      expect(code).toBe(2);
      expect(child.tail().trim()).toBe(`rcsync: cannot serve metrics on 127.0.0.1:${port} (EADDRINUSE): set RCSYNC_METRICS_ADDRESS to a free host:port, or "off".`);
    } finally {
      holder.close();
    }
  });

  it('logs one JSON object per line, each with account, workflow id, run kind and stream', () => {
    const lines = worker.lines().filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(50);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) expect(Object.keys(e)).toEqual(expect.arrayContaining(['level', 'time', 'msg', 'account', 'workflowId', 'runKind', 'stream']));
    expect(entries.some((e) => e.msg === 'worker started; Ctrl-C stops it' && e.metrics === productUrl)).toBe(true);
    // The SDK's "Activity started" is written before the input (and so the account) is known.
    const activity = entries.filter((e) => typeof e.activityType === 'string' && e.msg !== 'Activity started');
    expect(activity.length).toBeGreaterThan(20);
    for (const e of activity) {
      expect(e.account, JSON.stringify(e)).toBe(ACCOUNT);
      expect(e.workflowId).toEqual(expect.any(String));
      expect(['sync', 'backfill']).toContain(e.runKind);
    }
    const streams = new Set(activity.filter((e) => /^sync|snapshot/.test(e.activityType as string)).map((e) => e.stream));
    expect([...streams].sort()).toEqual(['call_log', 'directory', 'extensions', 'messages']);
  });

  it("a full sync's logs hold none of the personal data or secrets the API served", () => {
    const secrets = servedSecrets(stack.sim, { from: servedFrom });
    expect(secrets.personal.size).toBeGreaterThan(50);
    expect(secrets.credentials.size).toBeGreaterThan(2); // client secret, JWT and at least one access token
    expect(findLeaks(logText(worker.lines()), secrets)).toEqual([]);
  });

  it('the same scan fails when a secret or personal data is deliberately logged', () => {
    const secrets = servedSecrets(stack.sim, { from: servedFrom });
    const written: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger('INFO', sink);
    const name = [...secrets.personal].find((s) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(s))!;
    log.info({ account: ACCOUNT }, 'a clean line');
    expect(findLeaks(logText([...worker.lines(), ...written]), secrets)).toEqual([]);
    // Through the SDK's logger interface too, as activities and the worker log.
    new TemporalPinoLogger(log).warn(`token refresh failed for ${stack.sim.credentials.jwt}`, { owner: name });
    expect(findLeaks(logText([...worker.lines(), ...written]), secrets)).toEqual(expect.arrayContaining([stack.sim.credentials.jwt, name]));
    // Credential fields are redacted before they are written.
    const before = written.length;
    log.info({ account: ACCOUNT, clientSecret: stack.sim.credentials.clientSecret, auth: { jwt: stack.sim.credentials.jwt } }, 'configuration');
    expect(findLeaks(logText(written.slice(before)), secrets)).toEqual([]);
    expect(written.slice(before).join('')).toContain('[redacted]');
  });
});
