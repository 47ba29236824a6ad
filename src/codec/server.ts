/**
 * The remote codec endpoint the Temporal UI calls to show decrypted payloads
 * (`temporal server start-dev --ui-codec-endpoint URL`, or the UI's `codec.endpoint` setting in
 * production). Protocol: POST {endpoint}/decode (and /encode) with
 * `{"payloads":[{"metadata":{k: base64}, "data": base64}]}`, answered in the same shape.
 * The browser calls it cross-origin, so CORS admits exactly the UI's origin and nothing else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const MAX_BODY_BYTES = 8 * 1024 * 1024;
type JsonPayload = { metadata?: Record<string, string>; data?: string };

const fromJson = (p: JsonPayload): Payload => temporal.api.common.v1.Payload.fromObject(p);
const toJson = (p: Payload): JsonPayload =>
  temporal.api.common.v1.Payload.toObject(temporal.api.common.v1.Payload.create(p), { bytes: String }) as JsonPayload;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The Temporal UI's origin, e.g. http://localhost:8233: the only origin the browser may call from. */
  uiOrigin: string;
}

export function createCodecServer({ codec, uiOrigin }: CodecServerOptions): Server {
  return createServer((req, res) => {
    handle(codec, uiOrigin, req, res).catch((err: Error) => {
      // Never echo payload contents; the message says which key or shape was wrong.
      if (!res.headersSent) send(res, 400, { message: err.message });
    });
  });
}

async function handle(codec: PayloadCodec, uiOrigin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const originAllowed = req.headers.origin === uiOrigin;
  if (originAllowed) {
    res.setHeader('Access-Control-Allow-Origin', uiOrigin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  const route = new URL(req.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
  const action = route.endsWith('/decode') ? 'decode' : route.endsWith('/encode') ? 'encode' : undefined;
  if (req.method === 'OPTIONS') {
    if (!originAllowed || !action) return send(res, 403, { message: 'origin or path not allowed' });
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return;
  }
  if (req.headers.origin !== undefined && !originAllowed) return send(res, 403, { message: 'origin not allowed' });
  if (req.method !== 'POST' || !action) return send(res, 404, { message: 'POST /decode or /encode' });
  const body = JSON.parse(await readBody(req)) as { payloads?: JsonPayload[] };
  if (!Array.isArray(body.payloads)) return send(res, 400, { message: 'body must be {"payloads": [...]}' });
  const payloads = await codec[action](body.payloads.map(fromJson));
  send(res, 200, { payloads: payloads.map(toJson) });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
