/**
 * RETRY_POLICY is the one retry table: the client's in-place attempts and the activities'
 * failures follow it, kind by kind, against a real simulator and a real rate governor.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { FaultKind, Simulator } from 'ringcentral-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFailure } from '../../src/activities/failures';
import { RateGovernor } from '../../src/ratelimit/governor';
import { RingCentralClients } from '../../src/ringcentral/client';
import { failureType, nonRetryableFailureTypes, RETRY_POLICY, RingCentralError, type RcErrorKind } from '../../src/ringcentral/errors';
import { testDatabase } from '../support/stack';
import { ACCOUNT, accountsFor, startTestSimulator } from '../support/sync-harness';

const KINDS = Object.keys(RETRY_POLICY) as RcErrorKind[];

async function failureAt(kind: RcErrorKind, attempt: number): Promise<ApplicationFailure> {
  const env = new MockActivityEnvironment({ attempt });
  const failure: unknown = await env.run(async () => toFailure(new RingCentralError(kind, `${kind} for the test`, { status: 500 })));
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

describe('activity failures follow RETRY_POLICY', () => {
  it('each kind fails as RingCentral.<kind>, non-retryable from its last allowed activity attempt on', async () => {
    for (const kind of KINDS) {
      for (let attempt = 1; attempt <= 7; attempt++) {
        const failure = await failureAt(kind, attempt);
        expect(failure.type).toBe(failureType(kind));
        expect(failure.nonRetryable, `${kind} at attempt ${attempt}`).toBe(attempt >= RETRY_POLICY[kind].activityAttempts);
      }
    }
  });

  it('the activity options name exactly the kinds that fail on their first attempt', async () => {
    const failFast: string[] = [];
    for (const kind of KINDS) if ((await failureAt(kind, 1)).nonRetryable) failFast.push(failureType(kind));
    expect(nonRetryableFailureTypes()).toEqual(failFast);
    // The worker's own refusals stay non-retryable; the table must keep at least these two.
    expect(failFast).toEqual(expect.arrayContaining(['RingCentral.permission', 'RingCentral.bad_request']));
  });
});

describe('the client retries in place as RETRY_POLICY says', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sim: Simulator;
  let rc: RingCentralClients;

  beforeAll(async () => {
    db = await testDatabase();
    sim = await startTestSimulator();
    rc = new RingCentralClients(accountsFor(sim), { governor: new RateGovernor(db.pool) });
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  // Each fault answers every request to the path; the 429 last, since it holds its rate group.
  const cases: Array<[FaultKind, RcErrorKind]> = [
    ['503', 'transient'],
    ['500', 'transient'],
    ['invalid-json', 'malformed'],
    ['403', 'permission'],
    ['404', 'not_found'],
    ['429-burst', 'rate_limited'],
  ];
  for (const [fault, kind] of cases) {
    it(`a ${fault} (${kind}) is sent ${RETRY_POLICY[kind].inPlaceAttempts} time(s) before the caller sees it`, async () => {
      const path = '/restapi/v1.0/account/~/extension/~/message-store';
      sim.faults.clear();
      sim.faults.add({ kind: fault, times: 50, retryAfterSec: 0, match: { path: '/message-store' } });
      const before = sim.requestLog().filter((r) => r.fault === fault).length;
      const err = await rc.forAccount(ACCOUNT).get('Light', path, { page: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RingCentralError);
      expect((err as RingCentralError).kind).toBe(kind);
      expect(sim.requestLog().filter((r) => r.fault === fault).length - before).toBe(RETRY_POLICY[kind].inPlaceAttempts);
      sim.faults.clear();
    });
  }
});
