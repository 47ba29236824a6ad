/**
 * A sync's request plan (pure). The extension list and the directory are read whole (Medium),
 * the call log's changes through call-log-sync or the look-back windows (Heavy), the mailboxes
 * the message budget selects (Light). Where the call log has a choice, the cheaper one wins.
 */
import { isyncRequests, pagesFor, planOf, type GroupLimits, type PlanStep, type RequestPlan } from './request-plan';

export interface SyncFacts {
  limits: GroupLimits;
  pageSizes: { extensions: number; directory: number; callLog: number };
  /** Records of the account's last extension-list and directory snapshots; undefined before the first one. */
  extensions?: number;
  directoryEntries?: number;
  callLog: {
    /** call-log-sync: a token to follow, none yet (FSync), or refused (403) less than a day ago (look-back windows). */
    state: 'token' | 'none' | 'refused';
    /** Changes expected since the last sync (estimate: the account's call rate × the time since). */
    changes: number;
    /** Records expected in the frame an FSync would page (look-back before the watermark up to now). */
    frameRecords: number;
    /** Records expected in each look-back window over the same frame. */
    windowRecords: number[];
  };
  /** The message budget's plan over the last snapshot's mailboxes. */
  messages?: { mailboxes: number; selected: number; budget: number; planned: number };
}

export type CallLogVia = 'ISync' | 'FSync' | 'look-back';

export interface SyncPlan extends RequestPlan {
  callLogVia: CallLogVia;
}

export function planSync(f: SyncFacts): SyncPlan {
  const steps: PlanStep[] = [
    listStep('extension list', f.extensions, f.pageSizes.extensions),
    listStep('company directory', f.directoryEntries, f.pageSizes.directory),
  ];
  const callLog = callLogStep(f);
  steps.push(callLog.step);
  if (!f.messages) {
    steps.push({ group: 'Light', requests: 0, what: 'message stores: no extension list yet, so their count is known only after this run lists it', estimate: true });
  } else {
    const m = f.messages;
    steps.push({
      group: 'Light',
      requests: m.planned,
      what: `message stores: ${m.selected} of ${m.mailboxes} mailboxes within the Light budget of ${m.budget} (one ISync each with a token, an FSync and a page without)`,
      estimate: true,
    });
  }
  return { ...planOf(steps, f.limits), callLogVia: callLog.via };
}

function listStep(name: string, records: number | undefined, pageSize: number): PlanStep {
  const known = records !== undefined;
  return {
    group: 'Medium',
    requests: pagesFor(records ?? 0, pageSize),
    what: known ? `${name}: ${records} records as last time, ${pageSize} per page` : `${name}: never listed yet, at least one page`,
    estimate: true,
  };
}

/** ISync when a token is held and it is cheaper than starting over; an FSync for a token otherwise; look-back where refused. */
export function callLogStep(f: Pick<SyncFacts, 'callLog' | 'pageSizes'>): { via: CallLogVia; step: PlanStep } {
  const c = f.callLog;
  const page = f.pageSizes.callLog;
  const lookBack = c.windowRecords.reduce((n, r) => n + pagesFor(r, page), 0);
  const fsync = 1 + pagesFor(c.frameRecords, page);
  if (c.state === 'refused') {
    return { via: 'look-back', step: { group: 'Heavy', requests: lookBack, what: `call log: ${c.windowRecords.length} look-back window(s), ~${c.frameRecords} records (call-log-sync refused within the last day)`, estimate: true } };
  }
  if (c.state === 'none') {
    return {
      via: 'FSync',
      step: { group: 'Heavy', requests: fsync, what: `call log: FSync for a token, then its frame of ~${c.frameRecords} records paged (no token yet; later syncs follow it with ISync)`, estimate: true },
    };
  }
  const isync = isyncRequests(c.changes);
  // ISync also brings deletions of calls older than the frame: it wins ties.
  if (isync <= fsync) {
    return { via: 'ISync', step: { group: 'Heavy', requests: isync, what: `call log: ISync of ~${c.changes} changes (an FSync and its frame would cost ${fsync})`, estimate: true } };
  }
  return {
    via: 'FSync',
    step: { group: 'Heavy', requests: fsync, what: `call log: FSync and its frame of ~${c.frameRecords} records, cheaper than ISync of ~${c.changes} changes (${isync} requests)`, estimate: true },
  };
}
