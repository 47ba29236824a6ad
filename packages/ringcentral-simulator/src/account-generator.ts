// Seeds an account of N extensions with a realistic mix of types and statuses, and
// produces attributes for later hires with the same vocabulary.

import { Account, type AccountInfo } from './account';
import { DAY_MS } from './clock';
import { DEPARTMENTS, DEPARTMENT_NAMES, FIRST_NAMES, IVR_NAMES, LAST_NAMES, QUEUE_NAMES, ROOM_NAMES, SITE_NAMES } from './names';
import { Rng, weighted } from './prng';
import type { ExtAttrs, ExtStatus, ExtType } from './types';

const TYPE_MIX: ReadonlyArray<readonly [ExtType, number]> = [
  ['User', 80], ['DigitalUser', 3], ['VirtualUser', 1], ['FaxUser', 1], ['Department', 4], ['Announcement', 1],
  ['Voicemail', 1], ['PagingOnly', 1], ['IvrMenu', 2], ['ParkLocation', 2], ['ApplicationExtension', 1],
  ['Limited', 1], ['SharedLinesGroup', 0.5], ['Room', 1], ['Bot', 0.5],
];
const USER_STATUS_MIX: ReadonlyArray<readonly [ExtStatus, number]> = [
  ['Enabled', 85], ['Disabled', 5], ['NotActivated', 5], ['Unassigned', 4], ['Frozen', 1],
];
const PERSON_TYPES = new Set<ExtType>(['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'Limited']);

export interface GeneratorConfig extends AccountInfo {
  seed: number;
  extensions: number;
}

const emailLocal = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Attributes for one extension; `rng` decides everything so seeds reproduce accounts. */
export function makeAttrs(
  rng: Rng,
  account: Account,
  type: ExtType,
  status: ExtStatus,
  serial: number,
  domain: string,
): ExtAttrs {
  const person = PERSON_TYPES.has(type);
  const dept = rng.pick(DEPARTMENT_NAMES);
  const site = rng.chance(0.7) ? account.sites[0]! : rng.pick(account.sites);
  const a: ExtAttrs = {
    name: '',
    firstName: '',
    status,
    type,
    hidden: rng.chance(0.02),
    admin: person && rng.chance(0.03),
    intlCalling: person && rng.chance(0.4),
    siteId: site.id,
  };
  if (status !== 'Unassigned') a.extensionNumber = account.allocateNumber();
  if (person) {
    a.firstName = rng.pick(FIRST_NAMES);
    a.lastName = rng.pick(LAST_NAMES);
    a.name = `${a.firstName} ${a.lastName}`;
    a.email = `${emailLocal(a.firstName[0]! + a.lastName)}${serial}@${domain}`;
    a.department = dept;
    a.jobTitle = rng.pick(DEPARTMENTS[dept]!);
    if (type !== 'Limited' && rng.chance(0.9)) a.businessPhone = account.allocatePhone();
    if (rng.chance(0.2) && account.costCenters.length) a.costCenterId = rng.pick(account.costCenters).id;
    if (type === 'DigitalUser') a.subType = 'DigitalLine';
  } else {
    const label =
      type === 'Department' ? rng.pick(QUEUE_NAMES)
        : type === 'IvrMenu' ? rng.pick(IVR_NAMES)
          : type === 'Room' ? rng.pick(ROOM_NAMES)
            : type === 'ParkLocation' ? `Park ${serial}`
              : type === 'ApplicationExtension' ? `Integration App ${serial}`
                : `${type} ${serial}`;
    a.name = a.firstName = label;
    if (type === 'Department') {
      a.department = dept;
      a.email = `${emailLocal(label)}${serial}@${domain}`;
      if (rng.chance(0.5)) a.businessPhone = account.allocatePhone();
    }
  }
  return a;
}

export function domainOf(companyName: string): string {
  return `${emailLocal(companyName) || 'example'}.example.com`;
}

export function seedAccount(cfg: GeneratorConfig): Account {
  const account = new Account(cfg);
  const rng = Rng.of(cfg.seed, 'account');
  const domain = domainOf(cfg.companyName);
  account.sites.push({ id: 'main-site', name: 'Main Site', code: '10' });
  const extraSites = cfg.extensions >= 50 ? 3 : cfg.extensions >= 10 ? 1 : 0;
  for (let i = 0; i < extraSites; i++) {
    account.sites.push({ id: String((900_000_000 + (i + 1) * 131) * 1000 + 8), name: SITE_NAMES[i]!, code: String(11 + i) });
  }
  account.costCenters.push(
    { id: '1001', code: 'CC-100', name: 'Headquarters' },
    { id: '1002', code: 'CC-200', name: 'Field Operations' },
    { id: '1003', code: 'CC-300', name: 'R&D' },
  );
  account.info.mainNumber = account.allocatePhone();
  const past = (): number => cfg.historyStart - rng.int(1, 1500) * DAY_MS - rng.int(0, DAY_MS - 1);

  // The JWT owner: an enabled admin user that random events never touch.
  const owner = makeAttrs(rng, account, 'User', 'Enabled', 0, domain);
  owner.admin = true;
  owner.hidden = false;
  owner.siteId = 'main-site';
  owner.department = 'IT';
  owner.jobTitle = 'IT Administrator';
  owner.businessPhone ??= account.allocatePhone();
  account.create(owner, cfg.historyStart, past());

  for (let i = 1; i < cfg.extensions; i++) {
    // Site extensions mirror the extra sites; everything else follows the mix.
    const siteExt = i <= extraSites ? account.sites[i] : undefined;
    const type: ExtType = siteExt ? 'Site' : weighted(rng.next(), TYPE_MIX);
    const status: ExtStatus = PERSON_TYPES.has(type)
      ? weighted(rng.next(), USER_STATUS_MIX)
      : rng.chance(0.95) ? 'Enabled' : 'Disabled';
    const a = makeAttrs(rng, account, type, status, i, domain);
    if (siteExt) {
      a.name = a.firstName = siteExt.name;
      a.siteId = siteExt.id;
    }
    account.create(a, cfg.historyStart, past());
  }
  account.initialCount = account.exts.length;
  account.lastChangeAt = cfg.historyStart;
  return account;
}
