/**
 * A backfill's messages through the account's message-store export (Heavy): create the task,
 * poll it, then download its archives and upsert their messages with the same upsert the
 * per-mailbox paging uses. The task id and the archives done live in one checkpoint per
 * (account, range), so a retried or restarted activity neither creates a second task nor
 * loads a finished archive again: each archive is written in one transaction with the
 * checkpoint that counts it done. What a refused or failed export leaves behind is an answer
 * ("fall back"), not a failure: the workflow then pages per mailbox.
 */
import { Context } from '@temporalio/activity';
import { messageStoreExport, type Window } from '../streams/endpoints';
import { mailboxFiles } from '../streams/export-archive';
import { addCounts, type StreamCounts } from '../streams/page-writer';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { inTransaction, type PoolClient } from '../warehouse/db';
import { snapshotMailboxes } from '../warehouse/mailboxes';
import { upsertMessages } from '../warehouse/records';
import { touchRunProgress } from '../warehouse/sync-runs';
import { DEFAULT_EXTRACTION_SETTINGS, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { completeHandover, mailboxKey } from './message-sync';

export interface MessageExportInput {
  accountId: string;
  window: Window;
}

/** The export's checkpoint: its task, how many of its archives are written, and the counts so far. */
interface ExportCheckpoint extends Partial<StreamCounts> {
  taskId: string;
  /** The end of the task's range (its creation): the hand-over's tokens up to it are covered. */
  dateTo?: string;
  archivesDone: number;
  done?: boolean;
}

export type ExportStart = { taskId: string; done?: boolean } | { refused: string };
export type ExportStatus = { state: 'landed' | 'running' } | { state: 'failed'; reason: string };

/** Records per upsert statement: a mailbox file can hold any number. */
const UPSERT_CHUNK = 1000;

export function messageExportActivities(deps: ActivityDeps) {
  return {
    /**
     * The range's export task: the one its checkpoint names, else a new one. The task ends at
     * its own creation (no dateTo), so it covers every token the hand-over took before it.
     */
    async startMessageExport(input: MessageExportInput): Promise<ExportStart> {
      return withFailureMapping(async () => {
        const key = exportKey(input);
        const saved = await readCheckpoint<ExportCheckpoint>(deps.pool, key);
        if (saved?.taskId) return { taskId: saved.taskId, ...(saved.done ? { done: true } : {}) };
        let body: unknown;
        try {
          ({ body } = await rcOf(deps, input).request(
            messageStoreExport.rateGroup,
            { method: 'POST', path: messageStoreExport.create, body: { dateFrom: input.window.from } },
            Context.current().cancellationSignal,
          ));
        } catch (err) {
          if (err instanceof RingCentralError && (err.kind === 'permission' || err.kind === 'bad_request')) return { refused: err.message };
          throw err;
        }
        const task = (body ?? {}) as { id?: unknown; dateTo?: unknown };
        if (typeof task.id !== 'string' || !task.id) throw new RingCentralError('malformed', `${messageStoreExport.create}: the created task has no id`, { endpoint: messageStoreExport.create });
        const taskId = task.id;
        const dateTo = typeof task.dateTo === 'string' && Number.isFinite(Date.parse(task.dateTo)) ? task.dateTo : undefined;
        await writeCheckpoint(deps.pool, key, { taskId, archivesDone: 0, ...(dateTo ? { dateTo } : {}) } satisfies ExportCheckpoint);
        return { taskId };
      });
    },

    /** One look at the task. A failed (or vanished) task's checkpoint goes, so a later backfill asks anew. */
    async pollMessageExport(input: MessageExportInput & { taskId: string }): Promise<ExportStatus> {
      return withFailureMapping(async () => {
        let status: string;
        try {
          const { body } = await rcOf(deps, input).request(messageStoreExport.rateGroup, { path: messageStoreExport.task(input.taskId) }, Context.current().cancellationSignal);
          status = String((body as { status?: unknown } | undefined)?.status);
        } catch (err) {
          if (!(err instanceof RingCentralError && err.kind === 'not_found')) throw err;
          status = 'not found';
        }
        const state = messageStoreExport.finished[status];
        if (state === 'landed') return { state };
        if (!state && status !== 'not found') return { state: 'running' };
        await deleteCheckpoint(deps.pool, exportKey(input));
        return { state: 'failed', reason: `the message-store export task ended ${status}` };
      });
    },

    /**
     * Downloads the completed task's archives from the first one not yet written and upserts
     * the messages of the run's mailboxes (the listed ones but the excluded types and
     * statuses, as per-mailbox paging reads), then hands the mailboxes' parked tokens over.
     * `pages` counts archives.
     */
    async loadMessageExport(input: MessageExportInput & { taskId: string; runId: string; snapshotRunId: string }): Promise<StreamCounts> {
      return withFailureMapping(async () => {
        const key = exportKey(input);
        const saved = await readCheckpoint<ExportCheckpoint>(deps.pool, key);
        if (saved?.taskId !== input.taskId) throw new Error(`message export ${input.window.from}/${input.window.to}: the checkpoint names another task`);
        let counts: StreamCounts = { pages: saved.pages ?? 0, records: saved.records ?? 0, written: saved.written ?? 0 };
        if (saved.done) return { ...counts, skipped: true };
        const rc = rcOf(deps, input);
        const activity = Context.current();
        const mailboxes = new Set(await runMailboxes(deps, input.snapshotRunId));
        const list = await rc.request(messageStoreExport.rateGroup, { path: messageStoreExport.archives(input.taskId) }, activity.cancellationSignal);
        const archives = archiveUris(list.body, messageStoreExport.archives(input.taskId), rc.credentials.serverUrl);
        for (let i = saved.archivesDone; i < archives.length; i++) {
          activity.heartbeat({ stream: 'messages', request: `export archive ${i + 1}/${archives.length}` });
          const zip = (await rc.request(messageStoreExport.rateGroup, { path: archives[i]!, read: 'bytes' }, activity.cancellationSignal)).body as Buffer;
          counts = await inTransaction(deps.pool, async (db) => {
            const archive = addCounts(counts, { pages: 1, ...(await writeArchive(db, input.accountId, zip, mailboxes, `export archive ${i + 1}`)) });
            await touchRunProgress(db, input.runId);
            await writeCheckpoint(db, key, { ...saved, archivesDone: i + 1, ...archive } satisfies ExportCheckpoint);
            return archive;
          });
          if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason;
        }
        // Without the task's end, nothing counts as covered: the mailboxes keep owing their paging (the next sync's).
        const covered = { from: input.window.from, to: saved.dateTo ?? input.window.from };
        for (const extensionId of mailboxes) await completeHandover(deps.pool, mailboxKey({ accountId: input.accountId, extensionId }), covered);
        await writeCheckpoint(deps.pool, key, { ...saved, archivesDone: archives.length, done: true, ...counts } satisfies ExportCheckpoint);
        return counts;
      });
    },
  };
}

/** One checkpoint per account and range: the same backfill again finds its task (and, once loaded, skips it). */
function exportKey(input: MessageExportInput): CheckpointKey {
  return { accountId: input.accountId, stream: 'message-export', scope: `${input.window.from}/${input.window.to}` };
}

function rcOf(deps: ActivityDeps, input: { accountId: string }): RingCentralAccount {
  return requireRc(deps).forAccount(input.accountId);
}

async function runMailboxes(deps: ActivityDeps, runId: string): Promise<number[]> {
  const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
  const all: number[] = [];
  for (let ids: number[] = []; ; ) {
    ids = await snapshotMailboxes(deps.pool, { runId, afterId: all.at(-1) ?? 0, limit: 5000, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses });
    if (ids.length === 0) return all;
    all.push(...ids);
  }
}

/**
 * The archives' download addresses. The access token goes with each download, so only to the
 * API's own origin or, over https, to a host of the same site (RingCentral serves media from
 * sibling hosts).
 */
export function archiveUris(body: unknown, path: string, serverUrl: string): string[] {
  const records = (body as { records?: unknown } | undefined)?.records;
  const uris = Array.isArray(records) ? records.map((r) => (r as { uri?: unknown } | null)?.uri) : undefined;
  if (!uris || uris.some((u) => typeof u !== 'string')) throw new RingCentralError('malformed', `${path}: the archive list has no records with a uri`, { endpoint: path });
  const server = new URL(serverUrl);
  const site = (host: string) => host.split('.').slice(-2).join('.');
  return (uris as string[]).map((uri) => {
    const url = new URL(uri, server);
    if (url.origin !== server.origin && !(url.protocol === 'https:' && site(url.hostname) === site(server.hostname))) {
      throw new RingCentralError('malformed', `${path}: an archive is served from ${url.origin}, not from ${server.origin}'s site; the token is not sent there`, { endpoint: path });
    }
    return url.toString();
  });
}

/** Upserts an archive's mailbox files (those of `mailboxes` only); returns records read and rows written. */
async function writeArchive(db: PoolClient, accountId: string, zip: Buffer, mailboxes: Set<number>, where: string): Promise<Omit<StreamCounts, 'pages'>> {
  let records = 0;
  let written = 0;
  const bad = (what: string) => new RingCentralError('malformed', `${where}: ${what}`, { endpoint: messageStoreExport.create });
  for await (const file of mailboxFiles(zip, 'id', bad)) {
    if (!mailboxes.has(file.extensionId)) continue;
    records += file.records.length;
    for (let i = 0; i < file.records.length; i += UPSERT_CHUNK) written += await upsertMessages(db, accountId, file.extensionId, file.records.slice(i, i + UPSERT_CHUNK));
  }
  return { records, written };
}
