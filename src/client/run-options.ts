/**
 * What every run the CLI or a schedule starts carries for the Temporal UI: a one-line
 * summary (account key and kind only, nothing personal) and, where the namespace has them,
 * the search attributes operators filter by.
 */
import type { Connection } from '@temporalio/client';
import { missingSearchAttributes } from '../infra/search-attributes';
import { runSearchAttributes, type RunKind } from '../workflows/search-attributes';

export async function runStartOptions(connection: Connection, namespace: string, run: { account: string; kind: RunKind; streams: string[] }) {
  const missing = await missingSearchAttributes(connection, namespace).catch(() => ['unknown']);
  return {
    staticSummary: `${run.kind === 'sync' ? 'Sync' : 'Backfill'} of account ${run.account} (${run.streams.join(', ')})`,
    ...(missing.length === 0 ? { typedSearchAttributes: runSearchAttributes(run) } : {}),
  };
}

export const SYNC_STREAMS = ['extensions', 'directory', 'call_log', 'messages'];
