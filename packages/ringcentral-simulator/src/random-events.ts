// Random lifecycle events: how many happen on simulated day d and what they do is drawn from
// PRNG(seed, d), with a fixed number of draws per event; targets are picked among the
// extensions alive at the event's instant, so replays with the same seed agree.

import type { Account } from './account';
import { DAY_MS } from './clock';
import { DEPARTMENTS, DEPARTMENT_NAMES, LAST_NAMES } from './names';
import { Rng, hash32, weighted } from './prng';
import type { ExtAttrs, ExtEntity, LifecycleEvent, LifecycleKind } from './types';

type RandomKind = 'hire' | 'rename' | 'department' | 'site' | 'jobTitle' | 'numberChange' | 'statusChange' | 'departure';
const KIND_MIX: ReadonlyArray<readonly [RandomKind, number]> = [
  ['hire', 20], ['rename', 8], ['department', 14], ['site', 5], ['jobTitle', 12],
  ['numberChange', 5], ['statusChange', 12], ['departure', 16],
];
const PERSON = new Set(['User', 'DigitalUser', 'VirtualUser', 'FaxUser']);

/** What random events need from the lifecycle that applies them. */
export interface RandomEventHost {
  account: Account;
  seed: number;
  log: LifecycleEvent[];
  hire(at: number, rng: Rng): void;
  schedule(p: { at: number; kind: 'delete' | 'reassign'; id: number }): void;
}

export function dayEvents(seed: number, eventsPerDay: number, d: number): Array<{ at: number; u: number[] }> {
  const rng = Rng.of(seed, 'events', d);
  const n = rng.poisson(eventsPerDay);
  const out: Array<{ at: number; u: number[] }> = [];
  for (let k = 0; k < n; k++) {
    const at = d * DAY_MS + Math.floor(rng.next() * DAY_MS);
    out.push({ at, u: [rng.next(), rng.next(), rng.next(), rng.next(), rng.next()] });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Alive at `at`, never the JWT owner (index 0), matching `pred`. */
export function candidates(account: Account, at: number, pred: (e: ExtEntity, a: ExtAttrs) => boolean): Array<{ e: ExtEntity; a: ExtAttrs }> {
  return account.aliveAt(at).filter(({ e, a }) => e.idx !== 0 && pred(e, a));
}

export function applyRandomEvent(host: RandomEventHost, at: number, u: readonly number[]): void {
  const kind = weighted(u[0]!, KIND_MIX);
  const rng = new Rng(hash32(host.seed, 'event', at, u[1]!));
  if (kind === 'hire') {
    host.hire(at, rng);
    return;
  }
  const person = (e: ExtEntity, a: ExtAttrs): boolean => PERSON.has(a.type) && a.status !== 'Unassigned';
  const preds: Record<Exclude<RandomKind, 'hire'>, (e: ExtEntity, a: ExtAttrs) => boolean> = {
    rename: person,
    department: person,
    site: person,
    jobTitle: (e, a) => person(e, a) && !!a.department,
    numberChange: (e, a) => !!a.extensionNumber && a.status === 'Enabled',
    statusChange: (e, a) => person(e, a) && (a.status === 'Enabled' || a.status === 'Disabled'),
    departure: (e, a) => person(e, a) && (a.status === 'Enabled' || a.status === 'Disabled'),
  };
  const list = candidates(host.account, at, preds[kind]);
  if (!list.length) return;
  const { e, a } = list[Math.floor(u[2]! * list.length)]!;
  const ev = (k: LifecycleKind, extra: Partial<LifecycleEvent> = {}): void => {
    host.log.push({ at, kind: k, extensionId: e.id, random: true, ...extra });
  };
  switch (kind) {
    case 'rename': {
      const lastName = rng.pick(LAST_NAMES.filter((n) => n !== a.lastName));
      host.account.update(e.id, { lastName, name: `${a.firstName} ${lastName}` }, at);
      return ev('rename');
    }
    case 'department': {
      const department = rng.pick(DEPARTMENT_NAMES.filter((n) => n !== a.department));
      host.account.update(e.id, { department, jobTitle: rng.pick(DEPARTMENTS[department]!) }, at);
      return ev('department');
    }
    case 'site': {
      const others = host.account.sites.filter((s) => s.id !== a.siteId);
      if (!others.length) return;
      host.account.update(e.id, { siteId: rng.pick(others).id }, at);
      return ev('site');
    }
    case 'jobTitle': {
      const titles = DEPARTMENTS[a.department!] ?? DEPARTMENTS.Operations!;
      const jobTitle = rng.pick(titles.filter((x) => x !== a.jobTitle).concat(titles.length > 1 ? [] : ['Senior ' + titles[0]]));
      host.account.update(e.id, { jobTitle }, at);
      return ev('jobTitle');
    }
    case 'numberChange': {
      const number = host.account.allocateNumber();
      host.account.update(e.id, { extensionNumber: number }, at);
      return ev('numberChange', { number });
    }
    case 'statusChange': {
      host.account.update(e.id, { status: a.status === 'Enabled' ? 'Disabled' : 'Enabled' }, at);
      return ev('statusChange');
    }
    case 'departure': {
      // Leaver: disabled now, deleted days later, the number often handed to a new hire afterwards.
      if (a.status !== 'Disabled') {
        host.account.update(e.id, { status: 'Disabled' }, at);
        ev('disable');
      }
      const delAt = at + rng.int(1, 5) * DAY_MS + rng.int(0, DAY_MS / 1000) * 1000;
      host.schedule({ at: delAt, kind: 'delete', id: e.id });
      if (a.extensionNumber && rng.chance(0.6)) {
        host.schedule({ at: delAt + rng.int(1, 10) * DAY_MS + rng.int(0, DAY_MS / 1000) * 1000, kind: 'reassign', id: e.id });
      }
      return;
    }
  }
}
