// startSimulator(): builds a simulator, listens, and wraps it in the public control surface.

import type { AddressInfo } from 'node:net';
import type { Simulator } from './api';
import { controlRoutes } from './control';
import { SimulatorCore } from './simulator';
import type { SimulatorOptions } from './types';

export type { Simulator } from './api';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const s = new SimulatorCore(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    s.server.server.once('error', reject);
    s.server.server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (s.server.server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  if (!options.publicUrl) s.core.ctx.base = url;
  const { clientId, clientSecret, jwt, accountId } = s.opts;
  const sim: Simulator = {
    url,
    port,
    accountId,
    ownerId: s.core.ownerId,
    credentials: { clientId, clientSecret, jwt },
    options: s.opts,
    clock: s.clock,
    events: {
      hire: (a) => s.lifecycle.hire(a),
      update: (id, p) => s.lifecycle.update(id, p),
      disable: (id) => s.lifecycle.disable(id),
      delete: (id) => s.lifecycle.delete(id),
      reassignNumber: (id) => s.lifecycle.reassignNumber(id),
      recycleScenario: (o) => s.lifecycle.recycleScenario(o),
      log: () => s.lifecycle.log,
    },
    faults: {
      add: (r) => s.faults.add(r),
      remove: (id) => s.faults.remove(id),
      clear: () => s.faults.clear(),
      list: () => s.faults.list(),
    },
    auth: {
      revoke: (t, o) => s.auth.revoke(t, o),
      revokeAll: () => s.auth.revokeAll(),
      expireAccessTokens: (t) => s.auth.expireAccessTokens(t),
      tokensIssued: () => s.auth.tokensIssued,
    },
    rateLimits: {
      limits: s.limiter.limits,
      penaltyRemainingMs: (g, c) => s.limiter.penaltyRemainingMs(`${c ?? clientId}:${s.core.ownerId}`, g),
      reset: () => s.limiter.reset(),
    },
    truth: s.truth,
    stats: () => s.stats.snapshot(s.limiter.totalPenaltyMs(), { ...s.faults.firedByKind }),
    requestLog: () => s.stats.entries(),
    resetStats: () => s.stats.reset(),
    generation: () => ({
      callDaysGenerated: s.calls.daysGenerated,
      callDayCacheSize: s.calls.cacheSize,
      messageDaysGenerated: s.messages.daysGenerated,
      extensions: s.account.exts.length,
    }),
    push: {
      subscriptions: () => s.push.subscriptions(),
      stats: () => s.push.stats(),
      dropConnections: () => s.push.dropConnections(),
      loseEvents: (n) => s.push.loseEvents(n),
      expireSubscriptions: (id) => s.push.expireSubscriptions(id),
      deliverNow: () => s.push.deliver(),
    },
    close: () => (s.push.close(), s.server.close()),
  };
  if (options.control) s.server.control = controlRoutes(sim);
  return sim;
}
