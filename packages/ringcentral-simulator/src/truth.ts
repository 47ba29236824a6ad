// Ground truth for tests: the same objects the API serves, computed without HTTP, paging or
// throttling, at the current simulated time.

import { renderCall } from './call-render';
import { iso } from './clock';
import { directoryEntries, listExtensions, renderDirectoryEntry, renderExtension } from './extensions';
import type { Core } from './handlers';
import { renderMessage } from './message-render';
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
