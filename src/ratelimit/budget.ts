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
function foreignHold(state: BudgetState, now: number): number {
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
  const ticket = uniqueTicket(state, now);
  // A freed slot is kept while a request still in flight may have been counted with it: the
  // answer to that request subtracts every slot busy at its reservation (foreignSeen).
  const slots = [...state.slots.filter((s) => s.busyUntil > now - maxInFlightMs), { reservedAt: ticket, busyUntil: ticket + maxInFlightMs + state.windowMs }];
  return { state: { ...state, slots }, ticket };
}

function uniqueTicket(state: BudgetState, now: number): number {
  const latest = Math.max(-Infinity, ...state.slots.map((s) => s.reservedAt));
  return Math.max(now, Math.round((latest + 0.001) * 1000) / 1000);
}

/**
 * Other clients' requests in the server's window when it answered the request reserved at
 * `reservedAt` (answer arriving at `now`). `limit - remaining` is what the server counted,
 * this request included; which of ours it counted is known only within bounds:
 * - at most every slot busy at the reservation (later ones may have overtaken it). With that
 *   many subtracted the result is a lower bound, 0 whenever nobody else is spending: our own
 *   traffic never passes for someone else's.
 * - at least the slots answered before the reservation and reserved within a window of the
 *   answer: they were admitted before this request and had not expired. Once someone else
 *   is seen, this upper bound is held back: requests of ours still in flight may hide more
 *   of theirs, and under-counting them is what earns 429s.
 */
export function foreignSeen(state: BudgetState, answer: { limit: number; remaining: number }, reservedAt: number, now: number): number {
  const counted = answer.limit - answer.remaining;
  const atMostOurs = state.slots.filter((s) => s.busyUntil > reservedAt).length;
  if (counted - atMostOurs <= 0) return 0;
  // An answered slot frees a window after its answer; one in flight much later (see reserve).
  const answeredBefore = (s: Slot) => s.busyUntil <= reservedAt + state.windowMs;
  const atLeastOurs = 1 + state.slots.filter((s) => s.reservedAt !== reservedAt && s.reservedAt > now - state.windowMs && answeredBefore(s)).length;
  return Math.max(0, counted - atLeastOurs);
}

/**
 * Applies an answer to the budget: frees the ticket's slot one window after `now`, learns
 * limit and window, and (unless the request was refused) keeps the largest foreign usage
 * seen within the last window.
 */
export function applyAnswer(
  state: BudgetState,
  now: number,
  ticket: number | undefined,
  answer?: { limit: number; remaining: number; windowMs: number; refused?: boolean },
): BudgetState {
  const windowMs = answer?.windowMs ?? state.windowMs;
  const slots = state.slots.map((s) => (s.reservedAt === ticket ? { ...s, busyUntil: Math.min(s.busyUntil, now + windowMs) } : s));
  if (!answer) return { ...state, slots };
  // A refused request was not counted, and the penalty that follows freezes the group anyway.
  if (answer.refused) return { ...state, slots, limit: answer.limit, windowMs };
  // No ticket: the request was budgeted under another group, yet the server counted it in
  // this one (the route's group changed). It holds a slot here from now on.
  const reservedAt = ticket ?? uniqueTicket(state, now);
  if (ticket === undefined && answer.remaining < answer.limit) slots.push({ reservedAt, busyUntil: now + windowMs });
  const next = { ...state, slots, limit: answer.limit, windowMs };
  const seen = foreignSeen(next, answer, reservedAt, now);
  const stale = now >= state.foreignSeenAt + state.windowMs;
  return seen >= state.foreignUsed || stale ? { ...next, foreignUsed: seen, foreignSeenAt: now } : next;
}
