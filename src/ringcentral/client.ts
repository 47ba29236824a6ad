/**
 * One RingCentral connection per account per worker process, on @ringcentral/sdk.
 * Logs in once with the JWT and shares the token across all activities of the process
 * (RingCentral allows only a few parallel sessions per user); logs in again with the JWT
 * when the SDK's own refresh fails. Every request passes the rate governor first.
 */
import { SDK } from '@ringcentral/sdk';
import type { AccountCredentials } from '../config';
import { acquireSlot, parseRateHeaders, type RateGovernor, type RateGroup } from '../ratelimit/governor';
import { classifyHttpError, classifyNetworkError, RingCentralError } from './errors';

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface RcClientOptions {
  governor: RateGovernor;
  requestTimeoutMs?: number;
  /** Waits up to this long for a rate slot inside the activity; longer waits are handed back to Temporal. */
  maxInlineWaitMs?: number;
  onRateWait?: (group: RateGroup, ms: number) => void;
}

type SdkError = Error & { response?: Response; request?: Request };

export class RingCentralAccount {
  private readonly sdk: SDK;
  private login?: Promise<void>;
  /** The server's clock (Date header of the latest response): "now" for windows, immune to our clock skew. */
  serverTime?: Date;

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

  /** GET a JSON resource; throws RingCentralError (classified) or RateLimitWait. */
  async get(group: RateGroup, path: string, query: Query = {}): Promise<unknown> {
    await this.ensureLoggedIn();
    try {
      return await this.send(group, path, query);
    } catch (err) {
      if (!(err instanceof RingCentralError) || err.kind !== 'auth') throw err;
      // The SDK already tried its refresh token; a fresh JWT login is the remaining remedy.
      await this.ensureLoggedIn(true);
      return this.send(group, path, query);
    }
  }

  private async send(group: RateGroup, path: string, query: Query): Promise<unknown> {
    const { governor } = this.options;
    await acquireSlot(governor, this.accountId, group, {
      maxInlineWaitMs: this.options.maxInlineWaitMs ?? 3_000,
      onWait: (ms) => this.options.onRateWait?.(group, ms),
    });
    let response: Response;
    try {
      response = await this.sdk.platform().send({
        method: 'GET',
        url: path,
        query: cleanQuery(query),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      } as never);
    } catch (err) {
      const e = err as SdkError;
      if (!e.response) {
        if (isRefreshFailure(e)) throw new RingCentralError('auth', `${path}: token refresh failed`, { endpoint: path });
        throw classifyNetworkError(path, err);
      }
      response = e.response;
      if (response.url.includes('/oauth/')) throw new RingCentralError('auth', `${path}: token refresh rejected (HTTP ${response.status})`, { endpoint: path });
    }
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isFinite(date)) this.serverTime = new Date(date);
    const rate = parseRateHeaders((h) => response.headers.get(h));
    if (rate) await governor.observe(this.accountId, group, rate);
    const body = await readJson(path, response);
    if (response.ok) return body;
    const error = classifyHttpError(path, response.status, body, response.headers.get('retry-after'));
    if (error.kind === 'rate_limited') await governor.penalize(this.accountId, group, error.details.retryAfterMs!);
    throw error;
  }

  private ensureLoggedIn(force = false): Promise<void> {
    if (force) this.login = undefined;
    this.login ??= this.doLogin().catch((err) => {
      this.login = undefined;
      throw err;
    });
    return this.login;
  }

  private async doLogin(): Promise<void> {
    const platform = this.sdk.platform();
    await acquireSlot(this.options.governor, this.accountId, 'Auth', { maxInlineWaitMs: this.options.maxInlineWaitMs ?? 3_000 });
    try {
      await platform.login({ jwt: this.credentials.jwt });
    } catch (err) {
      const e = err as SdkError;
      if (!e.response) throw classifyNetworkError('/restapi/oauth/token', err);
      const body = await readJson('/restapi/oauth/token', e.response).catch(() => undefined);
      const error = classifyHttpError('/restapi/oauth/token', e.response.status, body, e.response.headers.get('retry-after'));
      if (error.kind === 'rate_limited') {
        await this.options.governor.penalize(this.accountId, 'Auth', error.details.retryAfterMs!);
        throw error;
      }
      // A rejected JWT or client secret is not going to fix itself by retrying.
      throw new RingCentralError('permission', `JWT login for account "${this.accountId}" rejected (HTTP ${e.response.status}${error.details.errorCode ? ` ${error.details.errorCode}` : ''}): check RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT`, {
        status: e.response.status,
        errorCode: error.details.errorCode,
      });
    }
  }
}

function isRefreshFailure(e: Error): boolean {
  return /refresh token|not logged in|token.*(expired|missing)/i.test(e.message);
}

async function readJson(path: string, response: Response): Promise<unknown> {
  let text: string;
  try {
    // Consume the original body (the SDK only read clones): an unread body would be
    // aborted later by the request timeout and surface as an unhandled rejection.
    text = await response.text();
  } catch (err) {
    throw classifyNetworkError(path, err); // connection reset or body truncated mid-stream
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new RingCentralError('malformed', `${path}: HTTP ${response.status} with a body that is not valid JSON (${text.length} bytes)`, {
      status: response.status,
      endpoint: path,
    });
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
