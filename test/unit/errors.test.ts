import { describe, expect, it } from 'vitest';
import { classifyHttpError, retryAfterMs } from '../../src/ringcentral/errors';

describe('RingCentral error classification', () => {
  it('maps statuses and codes to kinds', () => {
    const cases: Array<[number, unknown, string | null, string]> = [
      [429, { errorCode: 'CMN-301' }, '7', 'rate_limited'],
      [401, { errorCode: 'OAU-128' }, null, 'auth'],
      [403, { errorCode: 'CMN-408' }, null, 'permission'],
      [404, { errorCode: 'CMN-102' }, null, 'not_found'],
      [400, { errorCode: 'MSG-333' }, null, 'sync_token_expired'],
      [503, { errorCode: 'CMN-211' }, '3', 'transient'],
      [400, { errorCode: 'CMN-101' }, null, 'bad_request'],
    ];
    for (const [status, body, retryAfter, kind] of cases) {
      const e = classifyHttpError('/restapi/v1.0/account/~/call-log', status, body, retryAfter);
      expect(e.kind).toBe(kind);
    }
  });
  it('uses Retry-After, or 60 s when a 429 lacks it', () => {
    expect(classifyHttpError('/x', 429, {}, '7').details.retryAfterMs).toBe(7000);
    expect(retryAfterMs(null)).toBe(60_000);
  });
  it('names the missing permission on a 403 and never echoes the body', () => {
    const e = classifyHttpError('/restapi/v1.0/account/~/call-log', 403, { errorCode: 'CMN-408', message: 'In order to call this API endpoint, user needs to have [ReadCallLog] permission for requested resource. Jane Doe +15551234567' });
    expect(e.message).toMatch(/ReadCallLog/);
    expect(e.message).not.toMatch(/Jane|555/);
  });
});
