// Message-store export (message-store-report, Heavy): POST creates a task that runs for
// `exportTaskMs` of SIMULATED time (Accepted for the first fifth, then InProgress, then
// Completed, or Failed when an 'export-fails' fault fired on its creation). When complete, its
// archives are ZIP files, one per `exportMailboxesPerArchive` mailboxes, each mailbox as
// `<extensionId>/messages.json`: the mailbox's messages created in [dateFrom, dateTo), as the
// message-store list renders them (availability Alive + Deleted, newest first) at the moment
// the task completed. The spec fixes neither the inner layout nor the split; this is ours.

import type { Account } from './account';
import type { RenderCtx } from './call-render';
import { listExtensions } from './extensions';
import { renderMessage } from './message-render';
import type { Availability, MessageStore } from './messages';
import { hash32, hex32 } from './prng';
import { zipFiles } from './zip';

export const EXPORT_MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const;
const ACCEPTED_SHARE = 0.2;

export interface ExportRange {
  from: number;
  to: number;
  messageTypes?: readonly string[];
}

export interface ExportTask extends ExportRange {
  id: string;
  created: number;
  fails: boolean;
}

/** The parts of the simulator an export reads. */
export interface ExportSource {
  account: Account;
  messages: MessageStore;
  ctx: RenderCtx;
}

export interface MailboxExport {
  extensionId: number;
  messages: Array<Record<string, unknown>>;
}

/** What an export of `range` holds when it completes at `at` (also the ground truth). */
export function exportContent(core: ExportSource, range: ExportRange, at: number): MailboxExport[] {
  const availability = new Set<Availability>(['Alive', 'Deleted']);
  const types = range.messageTypes ? new Set(range.messageTypes) : undefined;
  return listExtensions(core.account, at)
    .map(({ e }) => ({
      extensionId: e.id,
      messages: core.messages.list(e, range.from, range.to, { availability, types }, at).map((m) => renderMessage(core.ctx, m, at)),
    }))
    .filter((m) => m.messages.length > 0);
}

export class MessageExports {
  private readonly tasks = new Map<string, ExportTask>();
  private readonly archives = new Map<string, Buffer[]>();
  private seq = 0;

  constructor(readonly cfg: { seed: number; taskMs: number; mailboxesPerArchive: number }) {}

  create(range: ExportRange, now: number, fails: boolean): ExportTask {
    const n = ++this.seq;
    const id = `${hex32(hash32(this.cfg.seed, 'msr', n))}${hex32(hash32(this.cfg.seed, 'msr2', n))}`;
    const task = { ...range, id, created: now, fails };
    this.tasks.set(id, task);
    return task;
  }

  get(id: string): ExportTask | undefined {
    return this.tasks.get(id);
  }

  list(): ExportTask[] {
    return [...this.tasks.values()];
  }

  completesAt(t: ExportTask): number {
    return t.created + this.cfg.taskMs;
  }

  status(t: ExportTask, now: number): { status: string; since: number } {
    const done = this.completesAt(t);
    if (now >= done) return { status: t.fails ? 'Failed' : 'Completed', since: done };
    const started = t.created + Math.floor(this.cfg.taskMs * ACCEPTED_SHARE);
    return now >= started ? { status: 'InProgress', since: started } : { status: 'Accepted', since: t.created };
  }

  /** The finished task's ZIP archives (built once; same bytes on every download). */
  archivesOf(core: ExportSource, t: ExportTask): Buffer[] {
    let zips = this.archives.get(t.id);
    if (!zips) {
      const at = this.completesAt(t);
      const boxes = exportContent(core, t, at);
      zips = [];
      for (let i = 0; i < boxes.length; i += this.cfg.mailboxesPerArchive) {
        const files = boxes.slice(i, i + this.cfg.mailboxesPerArchive)
          .map((b) => ({ name: `${b.extensionId}/messages.json`, data: Buffer.from(JSON.stringify(b.messages)) }));
        zips.push(zipFiles(files, at));
      }
      this.archives.set(t.id, zips);
    }
    return zips;
  }
}
