// Optional payload encryption: what Temporal stores is ciphertext, rotation keeps old
// histories readable, and the UI's codec endpoint decodes exactly what the UI would send.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCRYPTED_ENCODING, encryptionKeys, type EncryptionKeys } from '../../src/codec';
import { createCodecServer } from '../../src/codec/server';
import { ConfigError } from '../../src/config';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server';
import { createWorker } from '../../src/worker';
import { temporalClient, testDatabase, uniqueName, workerConnection } from '../support/stack';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const k3 = randomBytes(32);
const keys = (writeKeyId: string, entries: Record<string, Buffer>): EncryptionKeys => ({ writeKeyId, keys: new Map(Object.entries(entries)) });
const codecClient = (connection: Connection, k: EncryptionKeys) => new Client({ connection, dataConverter: { payloadCodecs: [new AesGcmCodec(k)] } });
const b64 = (bytes?: Uint8Array | null) => Buffer.from(bytes ?? []).toString('base64');
const text = (bytes?: Uint8Array | null) => Buffer.from(bytes ?? []).toString('utf8');

describe('payload encryption (AES-256-GCM codec)', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let plainClient: Client;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const workflowId = uniqueName('encrypted_check');
  let startedPayloads: temporal.api.common.v1.IPayload[];

  beforeAll(async () => {
    db = await testDatabase();
    ({ client: plainClient, connection } = await temporalClient());
    nativeConnection = await workerConnection();
    // Writing key k2; k1 still readable (a rotation in progress).
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue: uniqueName('encrypted'),
      pool: db.pool,
      options: { dataConverter: { payloadCodecs: [new AesGcmCodec(keys('k2', { k2, k1 }))] } },
    });
    const client = codecClient(connection, keys('k2', { k2, k1 }));
    // The check workflow ignores arguments: the marker stands for anything sensitive in an input.
    const handle = await client.workflow.start('checkWorkflow', { args: [marker], taskQueue: worker.options.taskQueue, workflowId });
    const result = (await worker.runUntil(handle.result())) as { healthCheckId: number };
    expect(result.healthCheckId).toBeGreaterThan(0);
    const history = await plainClient.workflow.getHandle(workflowId).fetchHistory();
    startedPayloads = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
    await db?.drop();
  });

  it('stores only ciphertext in history: every payload is encrypted under the writing key, the marker appears nowhere', async () => {
    const history = await plainClient.workflow.getHandle(workflowId).fetchHistory();
    const payloads: temporal.api.common.v1.IPayload[] = [];
    for (const event of history.events ?? []) {
      const a = event.workflowExecutionStartedEventAttributes ?? event.activityTaskScheduledEventAttributes;
      payloads.push(...(a?.input?.payloads ?? []));
      const r = event.activityTaskCompletedEventAttributes ?? event.workflowExecutionCompletedEventAttributes;
      payloads.push(...(r?.result?.payloads ?? []));
    }
    expect(payloads.length).toBeGreaterThanOrEqual(3); // workflow input, activity result, workflow result
    for (const p of payloads) {
      expect(text(p.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata!['encryption-key-id'])).toBe('k2');
    }
    const raw = historyToJSON(history);
    expect(raw).not.toContain(marker);
    expect(raw).not.toContain(Buffer.from(marker).toString('base64').slice(0, 12));
    // Without the codec, nothing can be read.
    await expect(plainClient.workflow.getHandle(workflowId).result()).rejects.toThrow();
  });

  it('rotation: a client writing with a newer key still reads histories written with the old one; a missing key is named', async () => {
    const rotated = codecClient(connection, keys('k3', { k3, k2 }));
    expect(await rotated.workflow.getHandle(workflowId).result()).toEqual({ healthCheckId: expect.any(Number) });
    const tooNew = codecClient(connection, keys('k3', { k3 }));
    await expect(tooNew.workflow.getHandle(workflowId).result()).rejects.toThrow(/key "k2".*RCSYNC_ENCRYPTION_KEYS/);
  });

  it('the codec endpoint answers the UI: CORS only for the UI origin, /decode in the UI request shape', async () => {
    const uiOrigin = 'http://127.0.0.1:8233';
    const server = createCodecServer({ codec: new AesGcmCodec(keys('k2', { k2 })), uiOrigin });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const preflight = await fetch(`${endpoint}/decode`, {
        method: 'OPTIONS',
        headers: { Origin: uiOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);

      const evil = await fetch(`${endpoint}/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
      expect(evil.status).toBe(403);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();

      const body = { payloads: startedPayloads.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data) })) };
      const decoded = await fetch(`${endpoint}/decode`, {
        method: 'POST',
        headers: { Origin: uiOrigin, 'Content-Type': 'application/json', 'X-Namespace': 'default' },
        body: JSON.stringify(body),
      });
      expect(decoded.status).toBe(200);
      expect(decoded.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      const { payloads } = (await decoded.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
      expect(Buffer.from(payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
      expect(JSON.parse(Buffer.from(payloads[0].data, 'base64').toString())).toBe(marker);

      const fromEvil = await fetch(`${endpoint}/decode`, { method: 'POST', headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect(fromEvil.status).toBe(403);
    } finally {
      server.close();
    }
  });

  it('the dev server hands the codec endpoint to its Web UI', async () => {
    const endpoint = 'http://127.0.0.1:8888';
    const server = await startTemporalDevServer({ uiCodecEndpoint: endpoint, log: () => {} });
    try {
      const settings = (await (await fetch(`${server.uiUrl}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
      expect(settings.Codec.Endpoint).toBe(endpoint);
    } finally {
      await server.stop();
    }
  });
});

describe('encryption keys from the environment', () => {
  const key = randomBytes(32).toString('base64');
  it('the first key writes, all read; off when unset', () => {
    expect(encryptionKeys({})).toBeUndefined();
    const k = encryptionKeys({ RCSYNC_ENCRYPTION_KEYS: `new=${key}, old=${randomBytes(32).toString('base64')}` })!;
    expect(k.writeKeyId).toBe('new');
    expect([...k.keys.keys()]).toEqual(['new', 'old']);
  });
  it('bad keys are refused in one line that never echoes key material', () => {
    const short = randomBytes(16).toString('base64');
    for (const [value, message] of [
      [`k=${short}`, /#1 is 16 bytes, AES-256 needs 32/],
      [key, /id=base64key/],
      [`a=${key},a=${key}`, /repeats an id/],
      // A bare key ending in "=" padding must not be read as an id (and echoed).
      [randomBytes(32).toString('base64'), /id=base64key/],
    ] as const) {
      let err: unknown;
      try {
        encryptionKeys({ RCSYNC_ENCRYPTION_KEYS: value });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain(short);
      expect((err as Error).message).not.toContain(key);
      expect((err as Error).message).not.toContain(value.slice(0, 10));
    }
    expect(() => encryptionKeys({ RCSYNC_ENCRYPTION_KEYS_FILE: '/nonexistent/keys' })).toThrow(/not found/);
  });
});
