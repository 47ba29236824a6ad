/**
 * Which mailbox filter a subscription create/update refusal names (src/push/refused-filter.ts):
 * only 400 OAU-232 / OAU-236 with a message-store filter in `parameterValue`, whichever form
 * the account and extension ids take.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusedMailbox } from '../../src/push/refused-filter';

const refusal = (status: number, errorCode: string, parameterValue?: string) => ({
  response: { status, data: { errorCode, message: 'x', errors: [{ errorCode, message: 'x', parameterName: 'eventFilters', ...(parameterValue === undefined ? {} : { parameterValue }) }] } },
});

describe('refusedMailbox', () => {
  it('property: a 400 OAU-232/236 naming a message-store filter gives its extension, with ~ or the account id', () => {
    fc.assert(
      fc.property(fc.constantFrom('OAU-232', 'OAU-236'), fc.constantFrom('~', '400000000001'), fc.integer({ min: 1, max: 2 ** 48 }), fc.boolean(), (code, account, id, slash) => {
        expect(refusedMailbox(refusal(400, code, `/restapi/v1.0/account/${account}/extension/${id}/message-store${slash ? '/' : ''}`))).toBe(id);
      }),
    );
  });

  it('anything else names no mailbox: other codes or statuses, no or another filter, no response', () => {
    const f = '/restapi/v1.0/account/~/extension/7/message-store';
    expect(refusedMailbox(refusal(400, 'CMN-101', f))).toBeUndefined();
    expect(refusedMailbox(refusal(403, 'OAU-232', f))).toBeUndefined();
    expect(refusedMailbox(refusal(400, 'OAU-232'))).toBeUndefined();
    expect(refusedMailbox(refusal(400, 'OAU-236', '/restapi/v1.0/account/~/telephony/sessions'))).toBeUndefined();
    expect(refusedMailbox(new Error('socket closed'))).toBeUndefined();
    expect(refusedMailbox(undefined)).toBeUndefined();
  });
});
