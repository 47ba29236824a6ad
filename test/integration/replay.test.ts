/**
 * Determinism guard: every committed history, recorded from a real run, must replay against
 * today's workflow code. A change to workflow logic that would break running workflows fails
 * here; such changes need patched(). Refresh fixtures with RECORD_HISTORIES=1 npm test.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/worker';
import { loadHistoryFixtures } from '../support/histories';

const fixtures = loadHistoryFixtures();

describe('workflow replay', () => {
  it('has a recorded history for every workflow type', () => {
    const types = new Set(fixtures.map((f) => f.workflowType));
    expect([...types].sort()).toEqual(['accountSyncWorkflow', 'backfillWorkflow', 'callLogBackfillWorkflow', 'checkWorkflow', 'messageFanOutWorkflow']);
  });

  it('replays every recorded history without nondeterminism', async () => {
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, fixtures.map(({ workflowId, history }) => ({ workflowId, history })))) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(fixtures.length);
  });
});
