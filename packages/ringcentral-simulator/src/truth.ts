// Ground truth for tests: the same objects the API serves, computed without HTTP, paging or
// throttling, at the current simulated time.

import { callLogChanges } from './call-log-sync';
import { renderCall } from './call-render';
import { iso } from './clock';
import { directoryEntries, listExtensions, renderDirectoryEntry, renderExtension } from './extensions';
import type { Core } from './handlers';
import { renderMessage } from './message-render';
import { exportContent, type MailboxExport } from './message-export';
import type { Availability } from './messages';
import type { ExtAttrs } from './types';

export type TimeLike = Date | number | string;
const ms = (t: TimeLike): number => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

export interface ExtensionVersionInfo {
  extensionId: number;
  /** 0-based version number within the extension. */
  version: number;
  validFrom: string;
  /** null while current. For the last version of a deleted extension: the deletion time. */
  validTo: string | null;
  /** True when this version ended because the extension was deleted. */
  endedByDeletion: boolean;
  attrs: ExtAttrs;
  /** The extension record as the API served it during this version. */
  record: Record<string, unknown>;
}

export class Truth {
  constructor(private readonly core: Core) {}

  /** Company call log, view Detailed, window from <= startTime < to, visible now. */
  callLog(opts: { from: TimeLike; to: TimeLike; showDeleted?: boolean; types?: Array<'Voice' | 'Fax'>; directions?: Array<'Inbound' | 'Outbound'> }): Array<Record<string, unknown>> {
    const now = this.core.now();
    const { entries } = this.core.calls.query(ms(opts.from), ms(opts.to), {
      showDeleted: opts.showDeleted ?? false,
      types: opts.types ? new Set(opts.types) : undefined,
      directions: opts.directions ? new Set(opts.directions) : undefined,
    }, now, 0, Infinity);
    return entries.map((e) => renderCall(this.core.ctx, e, 'Detailed', now));
  }

  /** A mailbox's messages (default availability Alive+Deleted, as the API); [] if the extension is gone (API: 404). */
  messages(extensionId: number, opts: { from: TimeLike; to: TimeLike; availability?: Availability[] }): Array<Record<string, unknown>> {
    const now = this.core.now();
    const e = this.core.account.get(extensionId);
    if (!e || !this.core.account.attrsAt(e, now)) return [];
    const availability = new Set<Availability>(opts.availability ?? ['Alive', 'Deleted']);
    return this.core.messages.list(e, ms(opts.from), ms(opts.to), { availability }, now).map((m) => renderMessage(this.core.ctx, m, now));
  }

  /**
   * What call-log-sync ISync owes a client whose token was taken at `since`: every record that
   * appeared or changed in (since, now], view Detailed, oldest change first (deleted ones only
   * with showDeleted, as the API).
   */
  callLogChanges(opts: { since: TimeLike; showDeleted?: boolean; missedOnly?: boolean }): Array<Record<string, unknown>> {
    const now = this.core.now();
    const since = { t: ms(opts.since), day: Number.MAX_SAFE_INTEGER, key: 0 };
    return callLogChanges(this.core.calls, since, { showDeleted: opts.showDeleted ?? false, missedOnly: opts.missedOnly }, now)
      .map(({ e }) => renderCall(this.core.ctx, e, 'Detailed', now));
  }

  /**
   * The content of a message-store export of [from, to) that completes at `at` (default now):
   * per mailbox holding any, its messages as the archive's `<extensionId>/messages.json`.
   */
  messageExport(opts: { from: TimeLike; to: TimeLike; at?: TimeLike; messageTypes?: string[] }): MailboxExport[] {
    const now = this.core.now();
    const at = opts.at === undefined ? now : ms(opts.at);
    if (at > now) throw new RangeError('messageExport: `at` is in the simulated future');
    return exportContent(this.core, { from: ms(opts.from), to: ms(opts.to), messageTypes: opts.messageTypes }, at);
  }

  /** The export tasks created so far, with when each completes (simulated time). */
  exportTasks(): Array<{ id: string; dateFrom: string; dateTo: string; completesAt: string; fails: boolean }> {
    return this.core.exports.list().map((t) => ({
      id: t.id, dateFrom: iso(t.from), dateTo: iso(t.to), completesAt: iso(this.core.exports.completesAt(t)), fails: t.fails,
    }));
  }

  extensions(): Array<Record<string, unknown>> {
    const now = this.core.now();
    return listExtensions(this.core.account, now).map(({ e, a }) => renderExtension(this.core.ctx, e, a));
  }

  directory(): Array<Record<string, unknown>> {
    const now = this.core.now();
    return directoryEntries(this.core.account, now).map(({ e, a }) => renderDirectoryEntry(this.core.ctx, e, a));
  }

  /** Every version of every extension ever created, deleted ones included. */
  extensionVersions(): ExtensionVersionInfo[] {
    this.core.now();
    const out: ExtensionVersionInfo[] = [];
    for (const e of this.core.account.exts) {
      e.versions.forEach((v, i) => {
        const last = i === e.versions.length - 1;
        out.push({
          extensionId: e.id,
          version: i,
          validFrom: iso(v.validFrom),
          validTo: Number.isFinite(v.validTo) ? iso(v.validTo) : null,
          endedByDeletion: last && e.deletedAt !== undefined,
          attrs: { ...v.attrs },
          record: renderExtension(this.core.ctx, e, v.attrs),
        });
      });
    }
    return out;
  }

  /** Id of the extension holding `number` at `at` (deleted extensions hold nothing). */
  holderOf(number: string, at: TimeLike): number | undefined {
    this.core.now();
    return this.core.account.holderOf(number, ms(at));
  }
}
