/**
 * Every way a RingCentral call can fail, classified once. Messages name the endpoint,
 * status and RingCentral error code only: never the response body, which may carry
 * personal data, and never credentials.
 */
export type RcErrorKind =
  | 'rate_limited' // 429: wait retryAfterMs, sending nothing in the group meanwhile
  | 'auth' //          401: token expired/revoked/corrupted; log in again
  | 'permission' //    403: the app or user lacks a permission; retrying cannot help
  | 'not_found' //     404: e.g. an extension deleted between the list and its message store
  | 'bad_request' //   400 and other 4xx: our request is wrong; retrying cannot help
  | 'sync_token_expired' // MSG-333 / CLG-* on a sync call: start a full sync again
  | 'transient' //     5xx, resets, timeouts: retry with backoff
  | 'malformed'; //    2xx whose body is not the envelope we expect

export class RingCentralError extends Error {
  override name = 'RingCentralError';
  constructor(
    readonly kind: RcErrorKind,
    message: string,
    readonly details: { status?: number; errorCode?: string; retryAfterMs?: number; endpoint?: string; permission?: string } = {},
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Requests the client makes (short backoff, within its inline-wait budget) before the activity sees the error. */
  inPlaceAttempts: number;
  /** Activity attempts Temporal makes; 1 fails the activity at once with the kind's failure type. */
  activityAttempts: number;
}

/**
 * The one retry table. The client retries in place, failures.ts marks failures non-retryable,
 * and the extraction activities' options list the non-retryable failure types, all from here.
 * Unlimited activity attempts are fine: the activity's backoff (or Retry-After) paces them.
 */
export const RETRY_POLICY: Readonly<Record<RcErrorKind, RetryPolicy>> = {
  rate_limited: { inPlaceAttempts: 1, activityAttempts: Infinity }, // the governor holds the group; Temporal waits Retry-After
  auth: { inPlaceAttempts: 1, activityAttempts: Infinity }, //          the client renews the token itself first
  permission: { inPlaceAttempts: 1, activityAttempts: 1 },
  not_found: { inPlaceAttempts: 1, activityAttempts: Infinity }, //     callers that expect a 404 catch it first
  bad_request: { inPlaceAttempts: 1, activityAttempts: 1 },
  sync_token_expired: { inPlaceAttempts: 1, activityAttempts: Infinity }, // message sync catches it and starts over
  transient: { inPlaceAttempts: 3, activityAttempts: Infinity },
  malformed: { inPlaceAttempts: 3, activityAttempts: 5 }, //             a proxy hiccup may pass; the same one five times will not
};

/** The Temporal failure type an error kind surfaces as. */
export function failureType(kind: RcErrorKind): string {
  return `RingCentral.${kind}`;
}

/** Failure types that no activity retry can fix (for the activities' retry options). */
export function nonRetryableFailureTypes(): string[] {
  return (Object.keys(RETRY_POLICY) as RcErrorKind[]).filter((kind) => RETRY_POLICY[kind].activityAttempts <= 1).map(failureType);
}

/** Permissions RingCentral requires per endpoint, to name in a 403. */
const PERMISSION_BY_PATH: Array<[RegExp, string]> = [
  [/\/call-log/, 'ReadCallLog (and FullCompanyCallLog for the company call log)'],
  [/\/message-(store|sync)/, 'ReadMessages'],
  [/\/directory\//, 'ReadAccounts'],
  [/\/extension/, 'ReadAccounts'],
];

function requiredPermission(endpoint: string): string {
  return PERMISSION_BY_PATH.find(([re]) => re.test(endpoint))?.[1] ?? 'unknown';
}

/** Retry-After in ms; RingCentral says to wait at least 30 s when a 429 lacks it. */
export function retryAfterMs(headerValue: string | null | undefined, fallbackMs = 60_000): number {
  const seconds = headerValue ? Number(headerValue) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : fallbackMs;
}

/** Only the error code survives from a RingCentral error body. */
function errorCodeOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorCode?: unknown; errors?: Array<{ errorCode?: unknown }>; error?: unknown };
  const code = b.errorCode ?? b.errors?.[0]?.errorCode ?? b.error;
  return typeof code === 'string' && code.length < 64 ? code : undefined;
}

export function classifyHttpError(endpoint: string, status: number, body: unknown, retryAfterHeader?: string | null): RingCentralError {
  const errorCode = errorCodeOf(body);
  const where = `${endpoint}: HTTP ${status}${errorCode ? ` ${errorCode}` : ''}`;
  if (status === 429) {
    const wait = retryAfterMs(retryAfterHeader);
    return new RingCentralError('rate_limited', `${where}, rate limited for ${Math.round(wait / 1000)} s`, { status, errorCode, retryAfterMs: wait, endpoint });
  }
  if (status === 401) return new RingCentralError('auth', `${where}, not authorized (token expired or revoked)`, { status, errorCode, endpoint });
  if (status === 403) {
    const permission = requiredPermission(endpoint);
    return new RingCentralError('permission', `${where}: the app or user lacks permission ${permission}; grant it in the RingCentral developer console`, {
      status,
      errorCode,
      endpoint,
      permission,
    });
  }
  if (status === 404) return new RingCentralError('not_found', `${where}, not found`, { status, errorCode, endpoint });
  if (errorCode === 'MSG-333' || errorCode === 'CLG-124') return new RingCentralError('sync_token_expired', `${where}, sync token no longer valid`, { status, errorCode, endpoint });
  if (status >= 500 || status === 408) {
    const wait = retryAfterHeader ? retryAfterMs(retryAfterHeader) : undefined;
    return new RingCentralError('transient', `${where}, server error`, { status, errorCode, endpoint, retryAfterMs: wait });
  }
  return new RingCentralError('bad_request', `${where}, request rejected`, { status, errorCode, endpoint });
}

/** Network-level failures (reset, timeout, truncated body) are transient. */
export function classifyNetworkError(endpoint: string, err: unknown): RingCentralError {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : (e.cause?.code ?? e.code ?? e.name ?? 'network error');
  return new RingCentralError('transient', `${endpoint}: ${reason}`, { endpoint });
}
