/**
 * The arithmetic of one (account, rate group) budget, free of I/O so that it can be
 * property-tested against a model of the server (test/unit/rate-budget.property.test.ts).
 * All times are milliseconds on ONE clock: the database's, for every worker.
 *
 * A slot is busy from its reservation until the server has certainly forgotten it. The
 * server counts a request from the moment it admits it, which lies somewhere between our
 * reservation and the arrival of its answer; so once the answer is in, the slot frees one
 * window after the answer. Until then (request in flight, or a worker that died holding it)
 * it stays busy until `reserved + maxInFlightMs + window`. Granting only while fewer than
 * `limit` slots are busy therefore keeps every window of the server's log within the limit,
 * with no margin and whatever the latency, across any number of workers sharing the row.
 */

export interface Slot {
  /** Reservation time; also the slot's ticket. */
  reservedAt: number;
  /** When the server has certainly dropped it from its rolling window. */
  busyUntil: number;
}

export interface BudgetState {
  limit: number;
  windowMs: number;
  slots: Slot[];
  /** No request before this time (a 429's Retry-After). */
  blockedUntil: number;
  /** Requests of other clients of the same user+app seen in the server's window (calibration). */
  foreignUsed: number;
  foreignSeenAt: number;
}

/** How many slots other clients are taken to hold now. */
export function foreignHold(state: BudgetState, now: number): number {
  // What was seen is certain for one window; after that it is a forecast (other clients tend
  // to keep their pace), but one slot is left to us so that the next answer can correct it.
  if (now < state.foreignSeenAt + state.windowMs) return state.foreignUsed;
  return Math.min(state.foreignUsed, state.limit - 1);
}

/** 0 if a request may be sent now, else how long to wait before asking again. */
export function waitBeforeSend(state: BudgetState, now: number): number {
  if (state.blockedUntil > now) return state.blockedUntil - now;
  const allowed = state.limit - foreignHold(state, now);
  if (allowed <= 0) return state.foreignSeenAt + state.windowMs - now;
  const busy = state.slots.map((s) => s.busyUntil).filter((t) => t > now).sort((a, b) => a - b);
  return busy.length < allowed ? 0 : busy[busy.length - allowed] - now;
}

/**
 * Takes a slot at `now` (call only when waitBeforeSend said 0). The reservation time is the
 * ticket its answer is matched by, so it is kept unique: 1 µs after the latest one at least.
 */
export function reserve(state: BudgetState, now: number, maxInFlightMs: number): { state: BudgetState; ticket: number } {
  const latest = Math.max(-Infinity, ...state.slots.map((s) => s.reservedAt));
  const ticket = Math.max(now, Math.round((latest + 0.001) * 1000) / 1000);
  // A freed slot is kept while a request still in flight may have been counted with it: the
  // answer to that request subtracts every slot busy at its reservation (foreignSeen).
  const slots = [...state.slots.filter((s) => s.busyUntil > now - maxInFlightMs), { reservedAt: ticket, busyUntil: ticket + maxInFlightMs + state.windowMs }];
  return { state: { ...state, slots }, ticket };
}

/**
 * Other clients' requests in the server's window when it answered: `limit - remaining` is
 * what the server counted (this request included), minus every slot of ours it may have
 * counted. Ours are over-counted on purpose (every slot still busy at the reservation,
 * including ones reserved later that may have overtaken it), so the result is a lower bound
 * and our own traffic never shows up as someone else's.
 */
export function foreignSeen(state: BudgetState, answer: { limit: number; remaining: number }, reservedAt: number): number {
  const ours = state.slots.filter((s) => s.busyUntil > reservedAt).length;
  return Math.max(0, answer.limit - answer.remaining - ours);
}

/**
 * Applies an answer to the budget: frees the ticket's slot one window after `now`, learns
 * limit and window, and keeps the largest foreign usage seen within the last window.
 */
export function applyAnswer(
  state: BudgetState,
  now: number,
  ticket: number | undefined,
  answer?: { limit: number; remaining: number; windowMs: number },
): BudgetState {
  const windowMs = answer?.windowMs ?? state.windowMs;
  const slots = state.slots.map((s) => (s.reservedAt === ticket ? { ...s, busyUntil: Math.min(s.busyUntil, now + windowMs) } : s));
  if (!answer) return { ...state, slots };
  const next = { ...state, slots, limit: answer.limit, windowMs };
  const seen = foreignSeen(next, answer, ticket ?? now);
  const stale = now >= state.foreignSeenAt + state.windowMs;
  return seen >= state.foreignUsed || stale ? { ...next, foreignUsed: seen, foreignSeenAt: now } : next;
}
