/** Complete snapshots of the extension list and the company directory, tied to one sync run. */
import { directoryEntries, extensionList } from '../streams/endpoints';
import { writePages } from '../streams/page-writer';
import type { PageCursor } from '../streams/paging';
import { readCheckpoint } from '../warehouse/checkpoints';
import { insertDirectorySnapshot, insertExtensionSnapshot } from '../warehouse/records';
import { beginSnapshot, recordSnapshotPage, snapshotState, type SnapshotState } from '../warehouse/snapshots';
import { pageWriter, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

export interface SnapshotInput {
  accountId: string;
  runId: string;
  stream: 'extensions' | 'directory';
}

export interface SnapshotResult {
  pages: number;
  records: number;
  /** Whether every record the API reported arrived (only complete snapshots prove deletions). */
  complete: boolean;
  /** The RingCentral server's clock: what "now" is for this run. */
  serverTime: string;
}

/** Passes over the list before a snapshot that keeps coming up short is left incomplete. */
const MAX_PASSES = 3;

export function snapshotActivities(deps: ActivityDeps) {
  return {
    async snapshotList(input: SnapshotInput): Promise<SnapshotResult> {
      return withFailureMapping(async () => {
        const { accountId, runId, stream } = input;
        await beginSnapshot(deps.pool, { runId, accountId, stream });
        const key = { accountId, stream, scope: runId };
        const cursor = await readCheckpoint<PageCursor>(deps.pool, key);
        const before = await snapshotState(deps.pool, runId, stream);
        if (!cursor && (before.complete || before.passes > MAX_PASSES)) return result(before);
        const insert = stream === 'extensions' ? insertExtensionSnapshot : insertDirectorySnapshot;
        await writePages(pageWriter(deps, requireRc(deps).forAccount(accountId)), {
          endpoint: stream === 'extensions' ? extensionList : directoryEntries,
          params: {},
          start: cursor ?? { page: 1 },
          key,
          runId,
          where: { stream },
          write: (db, records) => insert(db, runId, accountId, records),
          after: async (page, _counts, db) => {
            const serverTime = page.serverTime ?? new Date();
            const again = await recordSnapshotPage(db, { runId, stream, total: page.total, serverTime, lastOfPass: !page.next, maxPasses: MAX_PASSES });
            // A pass that came up short starts over at page 1, through the checkpoint like any page.
            const next = page.next ?? (again ? { page: 1 } : undefined);
            return { checkpoint: next ?? null, next };
          },
        });
        return result(await snapshotState(deps.pool, runId, stream));
      });
    },
  };
}

function result(s: SnapshotState): SnapshotResult & { passes: number } {
  return { pages: s.pages, records: s.records, complete: s.complete, passes: s.passes, serverTime: s.capturedAt };
}
