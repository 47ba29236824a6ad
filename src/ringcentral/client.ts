/**
 * One RingCentral connection per account per worker process, on @ringcentral/sdk.
 *
 * Tokens: one session per account per process (RingCentral allows only a few per user),
 * shared by all activities. Every token request (JWT login or refresh) passes the rate
 * governor's Auth budget, and at most one is in flight: we renew an expiring token
 * ourselves before the SDK would, and tell the SDK not to retry on its own (`retry: true`),
 * so it never sends a refresh or a repeat request past the governor.
 */
import { SDK } from '@ringcentral/sdk';
import type { AccountCredentials } from '../config';
import { acquireSlot, canonicalGroup, parseRateHeaders, type RateGovernor, type RateGroup } from '../ratelimit/governor';
import { currentWorkflowId } from './run-attribution';
import { classifyHttpError, classifyNetworkError, RETRY_POLICY, RingCentralError } from './errors';

export type Query = Record<string, string | number | boolean | string[] | undefined>;

/** One request: a GET of JSON by default; a POST with a JSON body, or a GET of raw bytes (an archive). */
export interface RcRequest {
  method?: 'GET' | 'POST';
  /** API path, or an absolute URL the API handed out (an archive's `uri`). */
  path: string;
  query?: Query;
  body?: Record<string, unknown>;
  read?: 'json' | 'bytes';
}

/** A response body with the server's clock at the time it answered (its Date header). */
export interface Fetched {
  body: unknown;
  /** "Now" for windows and snapshots: RingCentral's clock, immune to our clock skew. */
  serverTime?: Date;
}

export interface RcClientOptions {
  governor: RateGovernor;
  /** Per request; keep it well under the activities' heartbeat timeout. */
  requestTimeoutMs?: number;
  /** Waits up to this long for a rate slot inside the activity; longer waits are handed back to Temporal. */
  maxInlineWaitMs?: number;
}

type SdkError = Error & { response?: Response };

const TOKEN_PATH = '/restapi/oauth/token';

export class RingCentralAccount {
  private readonly sdk: SDK;
  /** The token request in flight, shared by every caller that needs a token meanwhile. */
  private renewal?: Promise<void>;
  /** Bumped on every new token, so a 401 only renews the token that actually failed. */
  private generation = 0;
  /** Rate group per route as the server reports it (X-Rate-Limit-Group), which wins over our defaults. */
  private readonly learnedGroups = new Map<string, RateGroup>();

  constructor(
    readonly credentials: AccountCredentials,
    private readonly options: RcClientOptions,
  ) {
    this.sdk = new SDK({
      server: credentials.serverUrl,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      cachePrefix: `rcsync-${credentials.key}-`, // SDKs sharing a prefix share tokens: one per account
    });
  }

  get accountId(): string {
    return this.credentials.key;
  }

  /**
   * GET a JSON resource; throws RingCentralError (classified) or RateLimitWait.
   * Kinds whose RETRY_POLICY allows in-place attempts (a 5xx, reset, timeout, truncated or
   * malformed body) are retried here with a short backoff, so one bad response costs a
   * second, not a Temporal retry whose backoff keeps growing over a long stream.
   */
  async get(group: RateGroup, path: string, query: Query = {}, signal?: AbortSignal): Promise<unknown> {
    return (await this.fetch(group, path, query, signal)).body;
  }

  /** Like get, with the server's Date: each page carries its own clock reading. */
  async fetch(group: RateGroup, path: string, query: Query = {}, signal?: AbortSignal): Promise<Fetched> {
    return this.request(group, { path, query }, signal);
  }

  /**
   * Any request, through the same governor, token handling and in-place retries as a GET.
   * A POST is never repeated in place: it may have been carried out before the answer was lost.
   */
  async request(group: RateGroup, req: RcRequest, signal?: AbortSignal): Promise<Fetched> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce(group, req, signal);
      } catch (err) {
        if (!(err instanceof RingCentralError) || req.method === 'POST' || attempt >= RETRY_POLICY[err.kind].inPlaceAttempts) throw err;
        const delay = err.details.retryAfterMs ?? 500 * 2 ** (attempt - 1);
        if (delay > (this.options.maxInlineWaitMs ?? 3_000) || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * RingCentral's clock, from the Date header of `GET /restapi` (readAPIVersions): no token and
   * no rate group ("NoThrottling" in the spec), so a push micro-sync learns "now" without
   * spending a request of any budget or reading the extension list.
   */
  async serverTime(signal?: AbortSignal): Promise<Date> {
    const path = '/restapi';
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 20_000);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.credentials.serverUrl), { signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
      await response.arrayBuffer();
    } catch (err) {
      throw classifyNetworkError(path, err);
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    if (!response.ok || !Number.isFinite(date)) {
      throw new RingCentralError('transient', `${path}: HTTP ${response.status}${Number.isFinite(date) ? '' : ' without a Date header'}`, { status: response.status, endpoint: path });
    }
    return new Date(date);
  }

  /**
   * The account's SDK with a valid token, for the push client (@ringcentral/subscriptions), and
   * `authSlot`, which runs a token-like call (the WebSocket token) on an Auth slot: push requests
   * pass the governor too.
   */
  async pushSession(): Promise<{ sdk: SDK; authSlot<T>(call: () => Promise<T>): Promise<T> }> {
    await this.validToken();
    return {
      sdk: this.sdk,
      authSlot: async (call) => {
        await this.validToken();
        return this.withAuthSlot(call);
      },
    };
  }

  private async requestOnce(group: RateGroup, req: RcRequest, signal?: AbortSignal): Promise<Fetched> {
    const { path } = req;
    const generation = await this.validToken();
    try {
      return await this.send(group, req, signal);
    } catch (err) {
      if (!(err instanceof RingCentralError) || err.kind !== 'auth') throw err;
      // Expired or revoked: renew once (unless another caller already did), then try again.
      await (this.generation === generation ? this.renew(true) : this.renewal);
      try {
        return await this.send(group, req, signal);
      } catch (again) {
        if (again instanceof RingCentralError && again.kind === 'auth') {
          throw new RingCentralError('permission', `${path}: the token was rejected right after a fresh login; check that the app and JWT user are still authorized`, again.details);
        }
        throw again;
      }
    }
  }

  private async validToken(): Promise<number> {
    if (this.renewal) await this.renewal;
    if (!(await this.sdk.platform().auth().accessTokenValid())) await this.renew(false);
    return this.generation;
  }

  /** Refresh (or, failing that or when forced, log in with the JWT), one at a time, each through the Auth budget. */
  private renew(forceLogin: boolean): Promise<void> {
    this.renewal ??= (async () => {
      const platform = this.sdk.platform();
      if (!forceLogin && (await platform.auth().refreshTokenValid())) {
        try {
          await this.withAuthSlot(() => platform.refresh());
          this.generation++;
          return;
        } catch (err) {
          await this.rethrowIfTransient(err);
          // Refresh token used up or revoked: a JWT login is the remedy.
        }
      }
      try {
        await this.withAuthSlot(() => platform.login({ jwt: this.credentials.jwt }));
        this.generation++;
      } catch (err) {
        await this.rethrowIfTransient(err);
        const status = (err as SdkError).response?.status;
        // A rejected JWT or client secret is not going to fix itself by retrying.
        throw new RingCentralError('permission', `JWT login for account "${this.accountId}" rejected (HTTP ${status ?? '?'}): check RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT`, {
          status,
        });
      }
    })().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  /** The SDK's token calls take no abort signal: bound them, so a hung token endpoint is a transient error. */
  private async withTimeout<T>(call: Promise<T>, onTimeout: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new RingCentralError('transient', `${TOKEN_PATH}: timed out`, { endpoint: TOKEN_PATH }));
      }, this.options.requestTimeoutMs ?? 20_000);
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A token call on an Auth slot; the SDK hides the answer's headers, so the slot is released when the call ends. */
  private async withAuthSlot<T>(call: () => Promise<T>): Promise<T> {
    const { governor } = this.options;
    const ticket = await acquireSlot(governor, this.accountId, 'Auth', { maxInlineWaitMs: this.options.maxInlineWaitMs ?? 3_000, workflowId: currentWorkflowId() });
    let timedOut = false;
    try {
      return await this.withTimeout(call(), () => {
        timedOut = true;
      });
    } finally {
      // A call we stopped waiting for may still reach the server: its slot stays in flight.
      if (!timedOut) await governor.release(this.accountId, 'Auth', ticket);
    }
  }

  /** Token-endpoint failures that retrying can fix (429, 5xx, network, timeout) propagate as such. */
  private async rethrowIfTransient(err: unknown): Promise<void> {
    if (err instanceof RingCentralError) throw err;
    const response = (err as SdkError).response;
    if (!response) throw classifyNetworkError(TOKEN_PATH, err);
    const error = classifyHttpError(TOKEN_PATH, response.status, await lenientJson(response), response.headers.get('retry-after'));
    if (error.kind === 'rate_limited') {
      await this.options.governor.penalize(this.accountId, 'Auth', error.details.retryAfterMs!);
      throw error;
    }
    if (error.kind === 'transient') throw error;
  }

  private async send(defaultGroup: RateGroup, { method = 'GET', path, query = {}, body, read = 'json' }: RcRequest, signal?: AbortSignal): Promise<Fetched> {
    const { governor } = this.options;
    // One route per API path whatever the ids (numeric, or an export task's) and the host.
    const route = path.replace(/^https?:\/\/[^/]+/, '').replace(/\/\d+(?=\/|$)/g, '/{id}').replace(/(message-store-report)\/[^/]+/, '$1/{taskId}');
    const group = this.learnedGroups.get(route) ?? defaultGroup;
    const ticket = await acquireSlot(governor, this.accountId, group, { maxInlineWaitMs: this.options.maxInlineWaitMs ?? 3_000, workflowId: currentWorkflowId() });
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 20_000);
    let response: Response;
    try {
      response = await this.sdk.platform().send({
        method,
        url: path,
        query: cleanQuery(query),
        ...(body ? { body } : {}),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        retry: true, // the SDK must not repeat a 401/429 behind the governor's back
      } as never);
    } catch (err) {
      const e = err as SdkError;
      if (!e.response) {
        await governor.release(this.accountId, group, ticket);
        throw classifyNetworkError(path, err);
      }
      response = e.response;
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    const rate = parseRateHeaders((h) => response.headers.get(h));
    // Group names and assignments can change: budget the route under the group the server names.
    const serverGroup = rate?.group && /^[A-Za-z][\w-]{0,31}$/.test(rate.group) ? rate.group : group;
    if (serverGroup !== group) this.learnedGroups.set(route, serverGroup);
    // The answer frees the slot a window from now and calibrates the group it was counted in.
    const sameGroup = canonicalGroup(serverGroup) === canonicalGroup(group);
    if (!rate || !sameGroup) await governor.release(this.accountId, group, ticket);
    if (rate) await governor.observe(this.accountId, serverGroup, { ...rate, refused: response.status === 429 }, sameGroup ? ticket : undefined);
    if (!response.ok) {
      // Classified by status first: a 429 or 503 with an HTML body still carries Retry-After.
      const error = classifyHttpError(path, response.status, await lenientJson(response), response.headers.get('retry-after'));
      if (error.kind === 'rate_limited') await governor.penalize(this.accountId, serverGroup, error.details.retryAfterMs!);
      throw error;
    }
    const content = read === 'bytes' ? await bodyBytes(path, response) : await readJson(path, response);
    return { body: content, serverTime: Number.isFinite(date) ? new Date(date) : undefined };
  }
}

/** The body of a successful response; a body that is not JSON is a malformed response. */
async function readJson(path: string, response: Response): Promise<unknown> {
  const text = await bodyText(path, response);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new RingCentralError('malformed', `${path}: HTTP ${response.status} with a body that is not valid JSON (${text.length} bytes)`, {
      status: response.status,
      endpoint: path,
    });
  }
}

async function bodyBytes(path: string, response: Response): Promise<Buffer> {
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (err) {
    throw classifyNetworkError(path, err);
  }
}

/** An error body, if it is JSON at all (only its error code is ever used). */
async function lenientJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

async function bodyText(path: string, response: Response): Promise<string> {
  try {
    // Consume the original body (the SDK only read clones): an unread body would be
    // aborted later by the request timeout and surface as an unhandled rejection.
    return await response.text();
  } catch (err) {
    throw classifyNetworkError(path, err); // connection reset or body truncated mid-stream
  }
}

function cleanQuery(query: Query): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = Array.isArray(v) ? v : String(v);
  return out;
}

/** The worker's connections, one per configured account. */
export class RingCentralClients {
  private readonly accounts = new Map<string, RingCentralAccount>();

  constructor(
    private readonly credentials: Map<string, AccountCredentials>,
    private readonly options: RcClientOptions,
  ) {}

  forAccount(key: string): RingCentralAccount {
    let account = this.accounts.get(key);
    if (!account) {
      const creds = this.credentials.get(key);
      if (!creds) throw new RingCentralError('bad_request', `Account "${key}" is not configured on this worker (set RC_* variables or RC_ACCOUNTS_FILE).`);
      account = new RingCentralAccount(creds, this.options);
      this.accounts.set(key, account);
    }
    return account;
  }
}
