/**
 * The budget arithmetic (src/ratelimit/budget.ts) against a model of RingCentral's limiter:
 * a rolling window of admitted requests per user+app. Clients share one budget state (as
 * workers share the row) and their requests meet the server after random latencies, so
 * answers come back out of order and other clients' requests interleave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAnswer, type BudgetState, foreignSeen, reserve, waitBeforeSend } from '../../src/ratelimit/budget';

interface Scenario {
  limit: number;
  windowMs: number;
  clients: number;
  /** Latency to the server and back, as fractions of the window. */
  latencies: Array<[number, number]>;
  /** Pauses between a client's steps, as fractions of the window. */
  pauses: number[];
  /** Times (fractions of the run) at which an ungoverned client of the same user+app sends. */
  foreign: number[];
  /** Answers lost (a network error: the slot is released without headers). */
  lost: boolean[];
}

interface Outcome {
  refused: number;
  admittedOurs: number[];
  /** For every answer: what the budget inferred about others, and what the server really held of theirs. */
  foreignChecks: Array<{ inferred: number; actual: number }>;
}

const WINDOWS = 12;

/** Runs the clients for WINDOWS windows as a discrete-event simulation; every step of a client happens at one instant. */
function simulate(s: Scenario): Outcome {
  let state: BudgetState = { limit: s.limit, windowMs: s.windowMs, slots: [], blockedUntil: 0, foreignUsed: 0, foreignSeenAt: 0 };
  const end = WINDOWS * s.windowMs;
  const server: Array<{ at: number; ours: boolean }> = [];
  const out: Outcome = { refused: 0, admittedOurs: [], foreignChecks: [] };
  type Event = { at: number; seq: number; run: (at: number) => void };
  const queue: Event[] = [];
  let seq = 0;
  let draw = 0;
  const next = <T>(xs: T[]): T => xs[draw++ % xs.length];
  // Whole milliseconds, as clocks tick: sums stay exact (no sub-ulp latencies).
  const ms = (fraction: number) => Math.round(fraction * s.windowMs);
  const schedule = (at: number, run: (at: number) => void) => queue.push({ at, seq: seq++, run });
  const admit = (at: number, ours: boolean) => {
    const inWindow = server.filter((r) => r.at > at - s.windowMs);
    if (inWindow.length >= s.limit) return { ok: false, remaining: 0 };
    server.push({ at, ours });
    return { ok: true, remaining: s.limit - inWindow.length - 1 };
  };
  const ask = (at: number) => {
    if (at >= end) return;
    const wait = waitBeforeSend(state, at);
    if (wait > 0) return schedule(at + wait + ms(next(s.pauses)), ask);
    const reserved = reserve(state, at, 10 * s.windowMs);
    state = reserved.state;
    const ticket = reserved.ticket;
    const [toServer, back] = next(s.latencies).map(ms);
    schedule(at + toServer, (adm) => {
      const answer = admit(adm, true);
      if (answer.ok) out.admittedOurs.push(adm);
      else out.refused++;
      schedule(adm + back, (recv) => {
        if (next(s.lost)) state = applyAnswer(state, recv, ticket);
        else {
          const headers = { limit: s.limit, remaining: answer.remaining, windowMs: s.windowMs, refused: !answer.ok };
          const actual = server.filter((r) => !r.ours && r.at > adm - s.windowMs && r.at <= adm).length;
          if (answer.ok) out.foreignChecks.push({ inferred: foreignSeen(state, headers, ticket, recv), actual });
          state = applyAnswer(state, recv, ticket, headers);
        }
        schedule(recv + ms(next(s.pauses)), ask);
      });
    });
  };
  for (let c = 0; c < s.clients; c++) schedule(c, ask);
  for (const f of s.foreign) schedule(Math.round(f * end), (at) => admit(at, false));
  while (queue.length) {
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const e = queue.shift()!;
    e.run(e.at);
  }
  return out;
}

/** Our admissions in the whole windows from the first on, over what they allow (as bench/rate-usage.ts). */
function utilisation(admitted: number[], limit: number, windowMs: number): number {
  const first = Math.min(...admitted);
  const windows = Math.floor((Math.max(...admitted) - first) / windowMs);
  return admitted.filter((t) => t < first + windows * windowMs).length / (windows * limit);
}

const scenario = (o: { maxLatency: number; maxPause: number; foreign: boolean; lost: boolean }) =>
  fc.record<Scenario>({
    limit: fc.integer({ min: 1, max: 12 }),
    windowMs: fc.integer({ min: 100, max: 60_000 }),
    clients: fc.integer({ min: 1, max: 3 }),
    latencies: fc.array(fc.tuple(fc.double({ min: 0, max: o.maxLatency, noNaN: true }), fc.double({ min: 0, max: o.maxLatency, noNaN: true })), { minLength: 1, maxLength: 20 }),
    pauses: fc.array(fc.double({ min: 0, max: o.maxPause, noNaN: true }), { minLength: 1, maxLength: 10 }),
    foreign: o.foreign ? fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }) : fc.constant([]),
    lost: fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }).map((xs) => (o.lost ? xs : [false])),
  });

describe('rate budget against a model of the server', () => {
  it('no request of ours is ever refused, whatever the latencies (up to a whole window each way), pauses and lost answers', () => {
    fc.assert(
      fc.property(scenario({ maxLatency: 1, maxPause: 0.5, foreign: false, lost: true }), (s) => {
        expect(simulate(s).refused).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('with latencies and pauses within 1% of the window, >= 0.9 of every limit is used, small ones included', () => {
    fc.assert(
      fc.property(scenario({ maxLatency: 0.01, maxPause: 0.01, foreign: false, lost: false }), (s) => {
        const out = simulate(s);
        expect(out.refused).toBe(0);
        expect(utilisation(out.admittedOurs, s.limit, s.windowMs)).toBeGreaterThanOrEqual(0.9);
      }),
      { numRuns: 300 },
    );
  });

  it('Remaining never makes our own requests pass for another client\'s, however they interleave', () => {
    fc.assert(
      fc.property(scenario({ maxLatency: 1, maxPause: 0.5, foreign: false, lost: false }), (s) => {
        for (const check of simulate(s).foreignChecks) expect(check.inferred).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('once another client is seen, no less than it really holds is held back for it', () => {
    fc.assert(
      fc.property(scenario({ maxLatency: 1, maxPause: 0.5, foreign: true, lost: false }), (s) => {
        for (const check of simulate(s).foreignChecks) if (check.inferred > 0) expect(check.inferred).toBeGreaterThanOrEqual(check.actual);
      }),
      { numRuns: 300 },
    );
  });
});
