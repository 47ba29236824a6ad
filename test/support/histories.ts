/** Workflow histories recorded from real runs, committed as replay fixtures. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

/** Saves the history when the fixture is missing, or when RECORD_HISTORIES=1 asks to refresh them all. */
export async function recordHistory(client: Client, workflowId: string, fixtureName: string, runId?: string): Promise<void> {
  const file = path.join(HISTORIES_DIR, `${fixtureName}.json`);
  if (existsSync(file) && process.env.RECORD_HISTORIES !== '1') return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Replay needs the original workflow id too (child workflow ids are derived from it).
  writeFileSync(file, `{"workflowId": ${JSON.stringify(workflowId)},\n"history": ${historyToJSON(history)}}\n`);
}

export interface HistoryFixture {
  file: string;
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
  workflowType: string;
}

export function loadHistoryFixtures(): HistoryFixture[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const { workflowId, history } = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
      const workflowType = history.events[0].workflowExecutionStartedEventAttributes.workflowType.name;
      return { file, workflowId, history: historyFromJSON(history), workflowType };
    });
}
