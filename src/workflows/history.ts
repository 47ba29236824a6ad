import { workflowInfo } from '@temporalio/workflow';

/** The one "history is full" test of every workflow that continues as new: the server suggests it, or the history passed our own cap. */
export function historyFull(maxHistoryEvents = 8_000): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > maxHistoryEvents;
}
