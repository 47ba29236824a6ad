// HTTP handlers of the message-store export (message-store-report): create a task, poll it,
// list its archives, download one. The tasks themselves live in message-export.ts.

import { DAY_MS, iso } from './clock';
import { ApiError, invalidParam, notFoundParam, rcError } from './errors';
import { acctUrl, type Body, type Core, type HandlerReq } from './handlers';
import { EXPORT_MESSAGE_TYPES, type ExportTask } from './message-export';

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
