// Extension list and company directory views of the timeline at a given instant.

import type { Account } from './account';
import type { RenderCtx } from './call-render';
import { iso } from './clock';
import type { ExtAttrs, ExtEntity } from './types';

export function renderExtension(ctx: RenderCtx, e: ExtEntity, a: ExtAttrs): Record<string, unknown> {
  const site = ctx.account.site(a.siteId);
  const contact: Record<string, unknown> = { firstName: a.firstName };
  if (a.lastName) contact.lastName = a.lastName;
  if (a.email) {
    contact.email = a.email;
    contact.emailAsLoginName = true;
  }
  if (a.jobTitle) contact.jobTitle = a.jobTitle;
  if (a.department) contact.department = a.department;
  if (a.businessPhone) contact.businessPhone = a.businessPhone;
  const r: Record<string, unknown> = {
    uri: `${ctx.base}/restapi/v1.0/account/${ctx.accountId}/extension/${e.id}`,
    id: e.id,
  };
  if (a.extensionNumber) r.extensionNumber = a.extensionNumber;
  r.contact = contact;
  r.name = a.name;
  r.type = a.type;
  if (a.subType) r.subType = a.subType;
  r.status = a.status;
  r.permissions = { admin: { enabled: a.admin }, internationalCalling: { enabled: a.intlCalling } };
  r.hidden = a.hidden;
  r.site = { id: site.id, uri: `${ctx.base}/restapi/v1.0/account/${ctx.accountId}/sites/${site.id}`, name: site.name, code: site.code };
  const cc = a.costCenterId ? ctx.account.costCenters.find((c) => c.id === a.costCenterId) : undefined;
  if (cc) r.costCenter = { id: cc.id, code: cc.code, name: cc.name };
  r.creationTime = iso(e.creationTime);
  return r;
}

export interface ExtensionFilter {
  status?: ReadonlySet<string>;
  type?: ReadonlySet<string>;
  extensionNumber?: string;
  email?: ReadonlySet<string>;
}

/** The extension list at `t`: deleted ones are simply absent (there is no Deleted status). */
export function listExtensions(account: Account, t: number, f: ExtensionFilter = {}): Array<{ e: ExtEntity; a: ExtAttrs }> {
  return account.aliveAt(t).filter(({ a }) =>
    (!f.status || f.status.has(a.status)) &&
    (!f.type || f.type.has(a.type)) &&
    (f.extensionNumber === undefined || a.extensionNumber === f.extensionNumber) &&
    (!f.email || (a.email !== undefined && f.email.has(a.email.toLowerCase()))));
}

const DIRECTORY_STATUSES = new Set(['Enabled', 'Disabled', 'NotActivated']);
const AS_USER = new Set(['DigitalUser', 'VirtualUser', 'FaxUser']);
export const directoryType = (a: ExtAttrs): string => (AS_USER.has(a.type) ? 'User' : a.type);

export function directoryEntries(account: Account, t: number, f: { type?: string; siteId?: string } = {}): Array<{ e: ExtEntity; a: ExtAttrs }> {
  return account.aliveAt(t).filter(({ a }) =>
    DIRECTORY_STATUSES.has(a.status) &&
    a.type !== 'ApplicationExtension' &&
    (!f.type || directoryType(a) === f.type) &&
    (!f.siteId || a.siteId === f.siteId));
}

export function renderDirectoryEntry(ctx: RenderCtx, e: ExtEntity, a: ExtAttrs): Record<string, unknown> {
  const site = ctx.account.site(a.siteId);
  const r: Record<string, unknown> = { id: String(e.id), type: directoryType(a), status: a.status };
  if (a.extensionNumber) r.extensionNumber = a.extensionNumber;
  r.firstName = a.firstName;
  if (a.lastName) r.lastName = a.lastName;
  r.name = a.name;
  if (a.email) r.email = a.email;
  if (a.department) r.department = a.department;
  if (a.jobTitle) r.jobTitle = a.jobTitle;
  r.phoneNumbers = a.businessPhone ? [{ phoneNumber: a.businessPhone, type: 'VoiceFax', usageType: 'DirectNumber' }] : [];
  r.site = { id: site.id, name: site.name, code: site.code };
  r.account = { id: ctx.accountId, companyName: ctx.account.info.companyName };
  r.hidden = a.hidden;
  return r;
}
