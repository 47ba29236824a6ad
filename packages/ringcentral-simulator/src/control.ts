// The control surface over HTTP, for drivers outside the process (opt-in: `control: true`,
// `--control`): the object startSimulator() returns, as JSON under /_sim/. Only loopback
// clients are answered, because it can rewrite the account, break the API and read every record.

import type http from 'node:http';
import type { Simulator } from './api';
import { CONTROL_PREFIX } from './control-prefix';
import { FAULT_KINDS, type FaultRule } from './faults';
import { json, type Out } from './http-out';
import { PUSH_CONTROL_ROUTES } from './push-control';
import { readBody } from './server';
import type { ExtAttrs } from './types';

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

type Body = Record<string, unknown>;
type Handler = (sim: Simulator, q: URLSearchParams, body: Body, id?: number) => unknown;

const isLoopback = (addr: string | undefined): boolean =>
  !!addr && (addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.'));

function need<T>(v: unknown, what: string, ok: (v: unknown) => boolean): T {
  if (!ok(v)) throw new ControlError(400, `${what} is missing or invalid`);
  return v as T;
}
const int = (v: unknown, what: string): number => need<number>(v, what, (x) => Number.isSafeInteger(x));
const time = (v: string | null, what: string): string => need<string>(v, what, (x) => typeof x === 'string' && Number.isFinite(Date.parse(x)));
const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);

/** JSON → FaultRule; `match.pathRegex` stands in for the RegExp a JSON body cannot carry. */
function faultRule(b: Body): FaultRule {
  need(b.kind, 'kind (one of ' + FAULT_KINDS.join(', ') + ')', (k) => (FAULT_KINDS as readonly unknown[]).includes(k));
  const { pathRegex, ...match } = (isObject(b.match) ? b.match : {}) as Body;
  if (pathRegex !== undefined) match.path = new RegExp(need<string>(pathRegex, 'match.pathRegex', (x) => typeof x === 'string'));
  return { ...(b as unknown as FaultRule), match };
}

function lifecycleEvent(sim: Simulator, b: Body): unknown {
  const ext = (): number => int(b.extensionId, 'extensionId');
  switch (b.kind) {
    case 'hire': return { extensionId: sim.events.hire((b.attrs ?? {}) as Partial<ExtAttrs>) };
    case 'update': sim.events.update(ext(), need<Partial<ExtAttrs>>(b.patch, 'patch', isObject)); return {};
    case 'disable': sim.events.disable(ext()); return {};
    case 'delete': sim.events.delete(ext()); return {};
    case 'reassignNumber': return { extensionId: sim.events.reassignNumber(ext()) };
    case 'recycleScenario': return sim.events.recycleScenario({ extensionId: b.extensionId as number | undefined, stepMs: b.stepMs as number | undefined });
    default: throw new ControlError(400, 'kind must be one of hire, update, disable, delete, reassignNumber, recycleScenario');
  }
}

const now = (sim: Simulator) => ({ now: new Date(sim.clock.now()).toISOString() });

const ROUTES: Record<string, Handler> = {
  'GET stats': (sim) => sim.stats(),
  'POST stats/reset': (sim) => (sim.resetStats(), sim.stats()),
  'GET truth': (sim, q) => {
    const range = { from: time(q.get('from'), 'from (ISO time)'), to: time(q.get('to'), 'to (ISO time)') };
    const mailbox = q.get('extensionId');
    return {
      ...now(sim),
      callLog: sim.truth.callLog(range),
      ...(mailbox === null ? {} : { messages: sim.truth.messages(int(Number(mailbox), 'extensionId'), range) }),
      extensions: sim.truth.extensions(),
      directory: sim.truth.directory(),
      extensionVersions: sim.truth.extensionVersions(),
    };
  },
  'GET truth/call-log-changes': (sim, q) => ({
    ...now(sim),
    records: sim.truth.callLogChanges({ since: time(q.get('since'), 'since (ISO time)'), showDeleted: q.get('showDeleted') === 'true', missedOnly: q.get('statusGroup') === 'Missed' }),
  }),
  'GET truth/message-export': (sim, q) => ({
    ...now(sim),
    mailboxes: sim.truth.messageExport({
      from: time(q.get('from'), 'from (ISO time)'), to: time(q.get('to'), 'to (ISO time)'),
      ...(q.get('at') === null ? {} : { at: time(q.get('at'), 'at (ISO time)') }),
      ...(q.getAll('messageType').length ? { messageTypes: q.getAll('messageType') } : {}),
    }),
  }),
  'GET truth/message-export-tasks': (sim) => sim.truth.exportTasks(),
  'GET clock': (sim) => now(sim),
  'POST clock/advance': (sim, _q, b) => (sim.clock.advance(need<number>(b.ms, 'ms', (x) => typeof x === 'number' && x >= 0)), now(sim)),
  'POST clock/set': (sim, _q, b) => (sim.clock.set(time(b.to as string, 'to (ISO time)')), now(sim)),
  'GET events': (sim) => sim.events.log(),
  'POST events': (sim, _q, b) => lifecycleEvent(sim, b),
  'GET faults': (sim) => sim.faults.list().map((r) => ({ ...r, match: r.match && { ...r.match, path: r.match.path?.toString() } })),
  'POST faults': (sim, _q, b) => ({ id: sim.faults.add(faultRule(b)) }),
  'DELETE faults': (sim) => (sim.faults.clear(), {}),
  'DELETE faults/:id': (sim, _q, _b, id) => (sim.faults.remove(id!), {}),
  ...PUSH_CONTROL_ROUTES,
};

export function controlRoutes(sim: Simulator): (req: http.IncomingMessage, url: URL, method: string) => Promise<Out> {
  return async (req, url, method) => {
    try {
      if (!isLoopback(req.socket.remoteAddress)) throw new ControlError(403, 'the control surface answers loopback clients only');
      const rest = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, '');
      const idMatch = /^faults\/(\d+)$/.exec(rest);
      const handler = ROUTES[`${method} ${idMatch ? 'faults/:id' : rest}`];
      if (!handler) throw new ControlError(404, `no control endpoint ${method} ${url.pathname}`);
      const text = method === 'POST' ? await readBody(req) : '';
      let body: Body = {};
      try {
        if (text) body = need<Body>(JSON.parse(text), 'JSON object body', isObject);
      } catch {
        throw new ControlError(400, 'the body must be a JSON object');
      }
      return json(200, handler(sim, url.searchParams, body, idMatch ? Number(idMatch[1]) : undefined) ?? {}, {});
    } catch (err) {
      // Lifecycle and clock refuse impossible requests (unknown extension, negative advance) by throwing.
      return json(err instanceof ControlError ? err.status : 400, { error: err instanceof Error ? err.message : String(err) }, {});
    }
  };
}
