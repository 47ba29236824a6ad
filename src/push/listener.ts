/**
 * One account's push subscriptions, through the official `@ringcentral/subscriptions` client
 * over its WebSocket transport: message-store filters for every listed mailbox (batched within
 * the per-subscription filter limit, several subscriptions when needed) and the account's
 * telephony sessions. Each event's effect goes straight to Postgres (push-state.ts): the
 * mailbox is dirty, an ended call makes the call log due. Only ids and counts are kept.
 *
 * Only mailboxes that can take a filter are given (not Disabled or Frozen in the snapshot). One
 * deleted or disabled since the snapshot makes RingCentral refuse the whole create or update
 * (400 OAU-232/236, refused-filter.ts): its filter is dropped, its mailbox marked dirty (a
 * micro-sync finds it gone or reads it), and the rest of the batch is subscribed.
 *
 * Gaps are never silent: a recovery that failed (new session), a sequence number skipped
 * (lost event) or a subscription found gone on renewal marks every subscribed mailbox dirty
 * and makes the call log due (its ISync token covers the gap).
 */
import type { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import { RateLimitWait } from '../ratelimit/governor';
import { RingCentralError } from '../ringcentral/errors';
import type { Pool } from '../warehouse/db';
import { markMailboxesDirty } from '../warehouse/mailbox-state';
import { recordEvents, recordGap } from '../warehouse/push-state';
import { refusedMailbox } from './refused-filter';

export const mailboxFilter = (id: number): string => `/restapi/v1.0/account/~/extension/${id}/message-store`;
export const TELEPHONY_FILTER = '/restapi/v1.0/account/~/telephony/sessions';

/** Push cannot run for this account (missing permission, transport refused); polling carries on. */
export class PushUnavailable extends Error {
  constructor(
    message: string,
    /** A refusal (403) does not fix itself soon; a connection failure may. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface ListenerOptions {
  pool: Pool;
  accountId: string;
  session: { sdk: SDK; authSlot<T>(call: () => Promise<T>): Promise<T> };
  mailboxes: number[];
  filtersPerSubscription: number;
  /** An ended call's record is due in the call log this long after the event. */
  callLogDueAfterMs: number;
  /** How often each subscription is renewed (PUT; a 404 means it expired: subscribe anew, a gap). */
  renewEveryMs: number;
  onError?: (what: string, err: unknown) => void;
}

type WsSubscription = Awaited<ReturnType<ReturnType<Subscriptions['createSubscription']>['register']>>;

/** What one batch of events did, accumulated until it is written. */
interface Pending {
  count: number;
  mailboxes: Set<number>;
  callEnded: boolean;
}

export class PushListener {
  private readonly subscriptions: Subscriptions;
  private subs: WsSubscription[] = [];
  /** The subscribed mailboxes: those listed but for any whose filter RingCentral refused. */
  private mailboxes: number[];
  /** The list last given (open or follow). */
  private listed: number[];
  private renewTimer?: NodeJS.Timeout;
  private pending: Pending = { count: 0, mailboxes: new Set(), callEnded: false };
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  events = 0;
  gaps = 0;

  private constructor(private readonly o: ListenerOptions) {
    this.subscriptions = new Subscriptions({ sdk: o.session.sdk });
    this.mailboxes = [...o.mailboxes];
    this.listed = [...o.mailboxes];
  }

  /** Subscribes; throws PushUnavailable when RingCentral or the transport refuses. */
  static async open(o: ListenerOptions): Promise<PushListener> {
    const l = new PushListener(o);
    await l.subscriptions.init();
    l.budgetWsToken();
    try {
      for (const filters of l.batches()) l.subs.push(await l.register(filters));
    } catch (err) {
      await l.close();
      // Our own errors (a rate-limit wait, a token problem) are retried like any activity's.
      if (err instanceof RateLimitWait || err instanceof RingCentralError) throw err;
      throw unavailable(err);
    }
    l.renewTimer = setInterval(() => void l.renew(), o.renewEveryMs);
    return l;
  }

  get subscribedMailboxes(): readonly number[] {
    return this.mailboxes;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Keeps the filters in step with the extension list: changed batches are updated in place
   * (PUT), new ones subscribed, surplus ones revoked. New mailboxes are marked dirty: their
   * changes before the update reached no subscription. Compared with the list last given, not
   * with what is subscribed: a refused filter stays out until a newer snapshot lists otherwise.
   */
  async follow(mailboxes: number[]): Promise<void> {
    const listed = new Set(this.listed);
    if (mailboxes.length === listed.size && mailboxes.every((m) => listed.has(m))) return;
    const before = new Set(this.mailboxes);
    this.mailboxes = [...mailboxes];
    const batches = this.batches();
    for (let i = 0; i < batches.length; i++) {
      const sub = this.subs[i];
      if (!sub) this.subs.push(await this.register(batches[i]!));
      else {
        sub.eventFilters = batches[i]!;
        await this.renewOne(sub);
      }
    }
    for (const sub of this.subs.splice(batches.length)) await sub.wse.revoke().catch(() => undefined);
    const added = mailboxes.filter((m) => !before.has(m));
    if (added.length) await markMailboxesDirty(this.o.pool, this.o.accountId, added);
    this.listed = [...mailboxes]; // only now: a follow() that failed is done again
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    // Also the extensions of a register() that failed: their recovery timers would keep running.
    for (const x of (this.subscriptions.rc as unknown as { sdkExtensions: Array<{ revoke?: () => Promise<void> }> }).sdkExtensions) {
      if (typeof x.revoke === 'function') await x.revoke().catch(() => undefined);
    }
    await this.flush();
  }

  /** Waits until every event received so far is written. */
  flush(): Promise<void> {
    return this.writing;
  }

  private batches(): string[][] {
    const filters = [TELEPHONY_FILTER, ...this.mailboxes.map(mailboxFilter)];
    const out: string[][] = [];
    for (let i = 0; i < filters.length; i += this.o.filtersPerSubscription) out.push(filters.slice(i, i + this.o.filtersPerSubscription));
    return out;
  }

  /** The WebSocket token (asked at every connect and reconnect) is an Auth request: it takes an Auth slot. */
  private budgetWsToken(): void {
    const rc = this.subscriptions.rc as unknown as { request: (...args: unknown[]) => Promise<unknown> };
    const request = rc.request.bind(rc);
    rc.request = (...args: unknown[]) => (String(args[1]).startsWith('/restapi/oauth/wstoken') ? this.o.session.authSlot(() => request(...args)) : request(...args));
  }

  private async register(filters: string[]): Promise<WsSubscription> {
    const subscription = this.subscriptions.createSubscription();
    subscription.on(subscription.events.notification, (event: unknown) => this.onEvent(event));
    // A refused filter fails a create as a whole, and leaves the client's connection with a
    // subscription object that breaks on the first event; an update can simply be retried. So the
    // subscription starts with the one filter RingCentral cannot refuse and takes the batch by an update.
    const sub = await subscription.setEventFilters([TELEPHONY_FILTER]).register();
    this.watchSequence(sub);
    // Subscribing anew (expired, or the client's session recovery failed) sends the filters again;
    // the client and a renewal may both start it at once: one request serves both.
    const subscribe = sub.subscribe.bind(sub);
    let subscribing: Promise<void> | undefined;
    sub.subscribe = () => (subscribing ??= this.dropping(sub, subscribe).finally(() => (subscribing = undefined)));
    if (filters.length !== 1 || filters[0] !== TELEPHONY_FILTER) {
      sub.eventFilters = filters;
      await this.update(sub);
    }
    return sub;
  }

  /** Sequence numbers of a session rise by one per event: a skipped one is a lost event; a session that failed recovery lost the buffered ones. */
  private watchSequence(sub: WsSubscription): void {
    let last: number | undefined;
    const watch = (ws: { addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void }) =>
      ws.addEventListener('message', (e) => {
        const [meta, body] = parseFrame(e.data);
        const seq = meta?.wsc?.sequence;
        if (typeof seq !== 'number') return;
        if (meta.type === 'ConnectionDetails') {
          if (body?.recoveryState === 'Failed') void this.gap('recovery failed');
          if (body?.recoveryState !== 'Successful') last = seq;
        } else if (meta.type === 'ServerNotification') {
          if (last !== undefined && seq > last + 1) void this.gap('sequence gap');
          last = Math.max(last ?? seq, seq);
        }
      });
    watch(sub.wse.ws as never);
    sub.wse.eventEmitter.on('newWebSocketObject', watch);
  }

  private async renew(): Promise<void> {
    for (const sub of this.subs) await this.renewOne(sub).catch((err) => this.o.onError?.('renewing a push subscription', err));
  }

  private async renewOne(sub: WsSubscription): Promise<void> {
    if (this.closed || sub.wse.ws?.readyState !== 1 || !sub.subscriptionInfo) return;
    await this.update(sub);
  }

  /**
   * PUT renews the subscription with its filters; a 404 (expired) subscribes anew: the time in
   * between is a gap. A mailbox filter RingCentral refuses is dropped and the request retried.
   * (The client's own refresh() does the same PUT but swallows every error but 404.)
   */
  private async update(sub: WsSubscription): Promise<void> {
    let id: string | undefined;
    try {
      await this.dropping(sub, async () => {
        id = sub.subscriptionInfo?.id;
        sub.subscriptionInfo = (await sub.wse.request('PUT', `/restapi/v1.0/subscription/${id}`, sub.requestBody)).data;
      });
    } catch (err) {
      if ((err as { response?: { status?: number } }).response?.status !== 404) throw err;
      if (sub.subscriptionInfo?.id !== id) return; // the client subscribed anew meanwhile (its session failed to recover)
      await sub.subscribe();
      await this.gap('subscription expired');
    }
  }

  /** Runs a create or update of `sub`; while RingCentral refuses one of its mailbox filters, drops that filter and runs it again. */
  private async dropping(sub: WsSubscription, request: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        return await request();
      } catch (err) {
        const id = refusedMailbox(err);
        if (id === undefined || !sub.eventFilters.includes(mailboxFilter(id))) throw err;
        const rest = sub.eventFilters.filter((f: string) => f !== mailboxFilter(id));
        // A subscription needs a filter: the telephony one (never refused) holds its place until the next follow().
        sub.eventFilters = rest.length ? rest : [TELEPHONY_FILTER];
        this.mailboxes = this.mailboxes.filter((m) => m !== id);
        // Deleted (a micro-sync finds it gone and clears the mark) or disabled (still readable): either way, read it.
        await markMailboxesDirty(this.o.pool, this.o.accountId, [id]);
      }
    }
  }

  private onEvent(raw: unknown): void {
    const e = raw as { event?: string; body?: { extensionId?: string | number; parties?: Array<{ status?: { code?: string } }> } };
    this.events += 1;
    this.pending.count += 1;
    if (e.event?.endsWith('/message-store') && e.body?.extensionId !== undefined) this.pending.mailboxes.add(Number(e.body.extensionId));
    if (e.event?.endsWith('/telephony/sessions') && e.body?.parties?.some((p) => p.status?.code === 'Disconnected')) this.pending.callEnded = true;
    // One write at a time, each taking every event that arrived meanwhile.
    this.writing = this.writing.then(() => this.write());
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    if (batch.count === 0) return;
    this.pending = { count: 0, mailboxes: new Set(), callEnded: false };
    try {
      await recordEvents(this.o.pool, this.o.accountId, { count: batch.count, mailboxes: [...batch.mailboxes], callEnded: batch.callEnded, callLogDueAfterMs: this.o.callLogDueAfterMs });
    } catch (err) {
      this.o.onError?.('recording push events', err);
      await this.writeGap('events not recorded'); // already inside the write queue
    }
  }

  /** Queued behind the writes before it, so a gap never lands before the events it follows. */
  private gap(reason: string): Promise<void> {
    this.writing = this.writing.then(() => this.writeGap(reason));
    return this.writing;
  }

  private async writeGap(reason: string): Promise<void> {
    this.gaps += 1;
    await recordGap(this.o.pool, this.o.accountId, reason, this.mailboxes).catch((err) => this.o.onError?.('recording a push gap', err));
  }

  /** A gap the caller knows of (e.g. a new listener after a previous one: events in between reached no one). */
  recordGap(reason: string): Promise<void> {
    return this.gap(reason);
  }
}

function parseFrame(data: unknown): [any, any] {
  try {
    const frame = JSON.parse(String(data));
    return Array.isArray(frame) ? [frame[0], frame[1]] : [undefined, undefined];
  } catch {
    return [undefined, undefined];
  }
}

/** Why push cannot run, in one line without personal data. */
function unavailable(err: unknown): PushUnavailable {
  const status = (err as { response?: { status?: number } }).response?.status;
  if (status === 403) return new PushUnavailable('RingCentral refused the WebSocket token (HTTP 403): the app needs the "WebSocket Subscriptions" permission', true);
  if (status) return new PushUnavailable(`RingCentral refused the subscription (HTTP ${status})`, status < 500);
  // One line, and never a token a URL might carry.
  const message = (err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'unknown error').replace(/(access_token|wsc)=[^&\s]+/g, '$1=…');
  return new PushUnavailable(`the WebSocket transport failed: ${message}`, false);
}
