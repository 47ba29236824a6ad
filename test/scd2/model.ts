/**
 * Reference model for the property test: random histories of an account's extension list and
 * directory (canonical values), the noise the API adds on top, and the dimension the merge
 * must produce (mirrors docs/dimension.md: extension list wins, directory fills its NULLs,
 * incomplete directory keeps directory-fed values, incomplete list deletes nothing).
 */
import fc from 'fast-check';
import type { DirectoryRecord, ExtensionRecord } from './snapshots';

export const IDS = [11, 12, 13, 14, 15];
export interface Phone { phoneNumber: string; type?: string; usageType?: string }
const PHONES: Phone[] = [
  { phoneNumber: '+15550001', type: 'VoiceFax', usageType: 'DirectNumber' },
  { phoneNumber: '+15550002', type: 'VoiceOnly' },
  { phoneNumber: '+15550003' },
];
// Small pools with NULL in them: values repeat (numbers get recycled) and value -> NULL happens.
const POOLS = {
  extension_number: ['101', '420', '500', null],
  name: ['Ann Lee', 'Bob de Roe', null],
  email: ['ann@example.com', 'bob@example.com', null],
  department: ['Sales', 'Customer Support', null],
  type: ['User', 'DigitalUser'],
  status: ['Enabled', 'Disabled', null],
  site_id: ['s1', 's2', null],
  site_name: ['HQ', 'Annex West', null],
  hidden: [false, true, null],
  cost_center: ['CC1', null],
} as const;
type Key = keyof typeof POOLS;
const EXT_KEYS = Object.keys(POOLS) as Key[];
const DIR_KEYS: Key[] = ['extension_number', 'name', 'email', 'department', 'status', 'site_id', 'site_name', 'hidden'];
const BOTH: Key[] = DIR_KEYS.concat(['type']); // the directory's type is always 'User' here, never needed: ext type is never NULL

export type Values = Partial<Record<Key, string | boolean | null>>;
export interface Attrs extends Values { phone_numbers: Phone[] | null }
export interface Dir { values: Values; phones: Phone[]; listed: boolean }
type Op = { kind: 'same' } | { kind: 'absent' } | { kind: 'set'; side: 'ext' | 'dir'; key: Key; pick: number } | { kind: 'phones'; phones: Phone[] } | { kind: 'unlist' };
export interface Step { gapMinutes: number; extComplete: boolean; dirMode: 'complete' | 'incomplete' | 'absent'; ops: Op[]; dirSubset: boolean[]; noiseSeed: number }
export interface Scenario { initialExt: Values[]; initialDir: Dir[]; creation: Array<number | null>; steps: Step[] }

const valuesArb = (keys: Key[]) =>
  fc.tuple(...keys.map((k) => fc.constantFrom(...POOLS[k]))).map((vs) => Object.fromEntries(keys.map((k, i) => [k, vs[i]])) as Values);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'same' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), side: fc.constantFrom('ext' as const, 'dir' as const), key: fc.constantFrom(...EXT_KEYS), pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('phones' as const), phones: fc.subarray(PHONES) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unlist' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'absent' as const }) },
);
export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  initialExt: fc.array(valuesArb(EXT_KEYS), { minLength: IDS.length, maxLength: IDS.length }),
  initialDir: fc.array(fc.record({ values: valuesArb(DIR_KEYS), phones: fc.subarray(PHONES), listed: fc.boolean() }), { minLength: IDS.length, maxLength: IDS.length }),
  // Minutes relative to the first capture: often before it (backdating), sometimes later, or unknown.
  creation: fc.array(fc.option(fc.integer({ min: -40 * 1440, max: 5 * 1440 })), { minLength: IDS.length, maxLength: IDS.length }),
  steps: fc.array(
    fc.record({
      gapMinutes: fc.integer({ min: 1, max: 3 * 1440 }),
      extComplete: fc.integer({ min: 0, max: 3 }).map((n) => n > 0), // 3/4 complete
      dirMode: fc.constantFrom('complete' as const, 'complete' as const, 'incomplete' as const, 'absent' as const),
      ops: fc.array(opArb, { minLength: IDS.length, maxLength: IDS.length }),
      dirSubset: fc.array(fc.boolean(), { minLength: IDS.length, maxLength: IDS.length }),
      noiseSeed: fc.nat(),
    }),
    { minLength: 1, maxLength: 7 },
  ),
});

/** Canonical phones (deduplicated, sorted) as a comparable string. */
export const phonesKey = (ps: Phone[] | null) => (ps === null ? 'null' : JSON.stringify([...new Set(ps.map(sortedJson))].sort()));
function sortedJson(o: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));
}
export const attrsKey = (a: Attrs) => JSON.stringify([...EXT_KEYS.map((k) => a[k] ?? null), phonesKey(a.phone_numbers)]);

/** The attributes the merge must derive for one listed extension. */
export function expectedAttrs(ext: Values, dir: Dir | undefined, dirComplete: boolean, prev: Attrs | undefined): Attrs {
  const out: Attrs = { phone_numbers: dir ? dir.phones : dirComplete ? null : (prev?.phone_numbers ?? null) };
  for (const k of EXT_KEYS) {
    const dirSide = dir ? (dir.values[k] ?? null) : dirComplete ? null : (prev?.[k] ?? null);
    out[k] = BOTH.includes(k) ? (ext[k] ?? dirSide) : (ext[k] ?? null);
  }
  return out;
}

export interface Version { id: number; from: number; to: number; attrs: Attrs; deleted: boolean; inferred: boolean }

/** Applies one step's ops to the evolving source state; returns which ids the list/directory show. */
export function applyOps(ext: Values[], dir: Dir[], step: Step) {
  const listed: boolean[] = [];
  step.ops.forEach((op, i) => {
    if (op.kind === 'set' && (op.side === 'ext' || DIR_KEYS.includes(op.key))) {
      (op.side === 'ext' ? ext[i] : dir[i].values)[op.key] = POOLS[op.key][op.pick % POOLS[op.key].length];
    }
    if (op.kind === 'phones') dir[i].phones = op.phones;
    if (op.kind === 'unlist') dir[i].listed = !dir[i].listed;
    listed.push(op.kind !== 'absent');
  });
  return listed;
}

// ---- noise: what the API and the extraction may add without any real change ----
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function noisyText(v: string | null, r: () => number): string | null {
  const x = r();
  if (v === null) return x < 0.2 ? '' : x < 0.3 ? ' \t ' : null;
  return x < 0.3 ? v : x < 0.5 ? `  ${v}\t` : x < 0.7 ? v.replace(/ /g, ' \n ') : `${v}\u00a0`;
}
function noisyPhones(ps: Phone[], r: () => number): unknown[] {
  const out: unknown[] = ps.map((p) => {
    const entries: Array<[string, unknown]> = Object.entries(p).map(([k, v]) => [k, r() < 0.3 ? ` ${v} ` : v]);
    if (r() < 0.5) entries.push(['formattedPhoneNumber', `(555) ${Math.floor(r() * 1000)}`]);
    return Object.fromEntries(entries.sort(() => r() - 0.5));
  });
  if (out.length && r() < 0.3) out.push(out[0]);
  return out.sort(() => r() - 0.5);
}
const extra = (r: () => number) => (r() < 0.5 ? { permissions: { admin: r() < 0.5 }, statusInfo: { reason: String(r()) } } : undefined);

export function extensionRecord(id: number, v: Values, creationTime: string | null, r: () => number): ExtensionRecord {
  const t = (k: Key) => noisyText((v[k] as string | null) ?? null, r);
  const email = (v.email as string | null) ?? null;
  return {
    id, extensionNumber: t('extension_number'), name: t('name'), email: noisyText(email && r() < 0.5 ? email.toUpperCase() : email, r),
    department: t('department'), type: t('type'), status: t('status'), siteId: t('site_id'), siteName: t('site_name'),
    hidden: (v.hidden as boolean | null) ?? null, costCenter: t('cost_center'), creationTime,
    firstName: noisyText(null, r), jobTitle: noisyText(null, r), extra: extra(r),
  };
}
export function directoryRecord(id: number, d: Dir, r: () => number): DirectoryRecord {
  const t = (k: Key) => noisyText((d.values[k] as string | null) ?? null, r);
  return {
    id, type: 'User', status: t('status'), extensionNumber: t('extension_number'), name: t('name'), email: t('email'), department: t('department'),
    siteId: t('site_id'), siteName: t('site_name'), hidden: (d.values.hidden as boolean | null) ?? null,
    phoneNumbers: noisyPhones(d.phones, r), extra: extra(r),
  };
}
export { EXT_KEYS };
