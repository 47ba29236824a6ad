// Control endpoints of the push side (mounted by control.ts under /_sim/push).

import type { Simulator } from './api';

type Body = Record<string, unknown>;

const count = (v: unknown): number => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Error('count is missing or invalid (a non-negative integer)');
  return v as number;
};

export const PUSH_CONTROL_ROUTES: Record<string, (sim: Simulator, q: URLSearchParams, body: Body) => unknown> = {
  'GET push': (sim) => ({ ...sim.push.stats(), records: sim.push.subscriptions() }),
  'POST push/drop': (sim) => ({ dropped: sim.push.dropConnections() }),
  'POST push/lose': (sim, _q, b) => (sim.push.loseEvents(count(b.count)), {}),
  'POST push/expire': (sim, _q, b) => {
    if (b.subscriptionId !== undefined && typeof b.subscriptionId !== 'string') throw new Error('subscriptionId must be a string');
    return { expired: sim.push.expireSubscriptions(b.subscriptionId as string | undefined) };
  },
};
