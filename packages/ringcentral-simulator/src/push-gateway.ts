// The WebSocket gateway, on the API's own HTTP server at /ws, speaking the framing the official
// client (@ringcentral/subscriptions → @rc-ex/ws) expects: every message is a JSON array
// [meta, body?]; meta.type is ConnectionDetails (sent on connect), ClientRequest (a REST call
// carried over the socket, answered with the same messageId), ServerNotification (an event,
// meta.wsc = {token, sequence} for recovery) or Heartbeat (echoed).

import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { frame, type PushHub, type WsSession } from './push-hub';

/** Replayed events wait this long after ConnectionDetails: the client re-attaches its listener only once it has read that frame. */
const REPLAY_DELAY_MS = 50;

export class PushGateway {
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(server: http.Server, private readonly hub: PushHub) {
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    const auth = this.hub.authorizeWs(url.searchParams.get('access_token'));
    if (!auth) return reject(401, 'Unauthorized');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const { session, details, replay } = this.hub.connect(auth, ws, url.searchParams.get('wsc'));
      ws.on('message', (data) => this.onMessage(session, ws, String(data)));
      ws.on('close', () => this.hub.disconnected(session, ws));
      ws.on('error', () => ws.terminate());
      ws.send(details);
      if (replay.length) {
        setTimeout(() => {
          if (ws.readyState === ws.OPEN) for (const m of replay) ws.send(m);
        }, REPLAY_DELAY_MS).unref();
      }
    });
  }

  private onMessage(session: WsSession, ws: WebSocket, text: string): void {
    let meta: Record<string, any>;
    let body: unknown;
    try {
      const parsed = JSON.parse(text);
      if (!Array.isArray(parsed) || typeof parsed[0] !== 'object' || parsed[0] === null) throw new Error('not a frame');
      [meta, body] = parsed;
    } catch {
      ws.send(frame({ type: 'Error', messageId: '', status: 400, headers: {} }, { errorCode: 'CMN-104', message: 'Cannot parse request' }));
      return;
    }
    if (meta.type === 'Heartbeat') {
      ws.send(frame({ type: 'Heartbeat', messageId: meta.messageId, status: 200, headers: {} }));
      return;
    }
    if (meta.type !== 'ClientRequest') return;
    const method = String(meta.method ?? 'GET').toUpperCase();
    const reply = this.hub.request(session, method, String(meta.path ?? ''), body);
    ws.send(frame(
      { type: 'ClientRequest', messageId: meta.messageId, status: reply.status, headers: { 'Content-Type': 'application/json;charset=utf-8' } },
      reply.body ?? '',
    ));
  }
}
