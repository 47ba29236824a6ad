// Message-store export (message-store-report, Heavy): POST creates a task that runs for
// `exportTaskMs` of SIMULATED time (Accepted for the first fifth, then InProgress, then
// Completed, or Failed when an 'export-fails' fault fired on its creation). When complete, its
// archives are ZIP files, one per `exportMailboxesPerArchive` mailboxes, each mailbox as
// `<extensionId>/messages.json`: the mailbox's messages created in [dateFrom, dateTo), as the
// message-store list renders them (availability Alive + Deleted, newest first) at the moment
// the task completed. The spec fixes neither the inner layout nor the split; this is ours.

import { DAY_MS, iso } from './clock';
import { ApiError, invalidParam, notFoundParam, rcError } from './errors';
import { listExtensions } from './extensions';
import { acctUrl, type Body, type Core, type HandlerReq } from './handlers';
import { renderMessage } from './message-render';
import type { Availability } from './messages';
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

export interface MailboxExport {
  extensionId: number;
  messages: Array<Record<string, unknown>>;
}

/** What an export of `range` holds when it completes at `at` (also the ground truth). */
export function exportContent(core: Core, range: ExportRange, at: number): MailboxExport[] {
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
  archivesOf(core: Core, t: ExportTask): Buffer[] {
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

const taskUrl = (core: Core, id: string): string => `${acctUrl(core)}/message-store-report/${id}`;

function renderTask(core: Core, t: ExportTask, now: number): Body {
  const { status, since } = core.exports.status(t, now);
  return {
    uri: taskUrl(core, t.id),
    id: t.id,
    status,
    accountId: core.ctx.accountId,
    extensionId: String(core.ownerId),
    creationTime: iso(t.created),
    lastModifiedTime: iso(since),
    dateFrom: iso(t.from),
    dateTo: iso(t.to),
  };
}

function parseBody(text: string | undefined): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  try {
    const b: unknown = JSON.parse(text);
    if (b && typeof b === 'object' && !Array.isArray(b)) return b as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ApiError(400, rcError('CMN-104', 'Cannot parse request'));
}

function bodyTime(b: Record<string, unknown>, name: string): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw invalidParam(name, String(v));
  return t;
}

export function createExportHandler(core: Core, r: HandlerReq): Body {
  const b = parseBody(r.text);
  const now = core.now();
  const to = bodyTime(b, 'dateTo') ?? now;
  const from = bodyTime(b, 'dateFrom') ?? to - DAY_MS;
  if (from > to) throw invalidParam('dateFrom', String(b.dateFrom));
  let messageTypes: string[] | undefined;
  if (b.messageTypes !== undefined) {
    const raw = Array.isArray(b.messageTypes) ? b.messageTypes : [b.messageTypes];
    messageTypes = raw.map((v) => {
      const hit = EXPORT_MESSAGE_TYPES.find((x) => typeof v === 'string' && x.toLowerCase() === v.toLowerCase());
      if (!hit) throw invalidParam('messageTypes', String(v));
      return hit;
    });
  }
  const task = core.exports.create({ from, to, messageTypes }, now, r.fault === 'export-fails');
  return renderTask(core, task, now);
}

function taskOf(core: Core, r: HandlerReq): ExportTask {
  const id = r.params![0]!;
  const t = core.exports.get(id);
  if (!t) throw notFoundParam('taskId', id);
  return t;
}

export function exportTaskHandler(core: Core, r: HandlerReq): Body {
  return renderTask(core, taskOf(core, r), core.now());
}

/** Archives of a completed task; an unfinished or failed task lists none. */
export function archiveListHandler(core: Core, r: HandlerReq): Body {
  const t = taskOf(core, r);
  if (core.exports.status(t, core.now()).status !== 'Completed') return { records: [] };
  return {
    records: core.exports.archivesOf(core, t).map((z, i) => ({ size: z.length, uri: `${taskUrl(core, t.id)}/archive/${i + 1}` })),
  };
}

export function archiveContentHandler(core: Core, r: HandlerReq): Body {
  const t = taskOf(core, r);
  const raw = r.params![1]!;
  const zips = core.exports.status(t, core.now()).status === 'Completed' ? core.exports.archivesOf(core, t) : [];
  const zip = /^\d+$/.test(raw) ? zips[Number(raw) - 1] : undefined;
  if (!zip) throw notFoundParam('archiveId', raw);
  return { contentType: 'application/zip', data: zip };
}
