/**
 * The issue's targets, checked against the scale table's rows (bench/scale.ts): met or
 * missed, by how much, and why, in words built from the measured numbers only.
 */
import { DEFAULT_LIMITS } from '../src/ratelimit/governor';
import type { StepRow } from './scale';
import { duration, GROUPS } from './scale-cost';

const MINUTE = 60_000;

export function scaleTargets(rows: StepRow[], o: { speedup: number; share: number; intervalMs: number }): string[] {
  const at = (size: number, step: StepRow['step']) => rows.find((r) => r.size === size && r.step === step);
  const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
  const light = DEFAULT_LIMITS.Light;
  const budget = Math.floor((o.share * light.limit * o.intervalMs) / light.windowMs);
  const budgetWhy = `the message budget, share ${o.share} of a ${o.intervalMs / MINUTE}-minute Light budget (${light.limit} per ${light.windowMs / 1000} s), is ${budget} requests = ${duration((budget / light.limit) * light.windowMs)} at the real limit`;
  const out: string[] = [];

  const syncTarget = (size: number, step: StepRow['step'], limitMs: number) => {
    const r = at(size, step);
    if (!r) return `- ${size.toLocaleString('en-US')}-extension ${step} within ${duration(limitMs)} at real limits: not measured.`;
    const ok = r.real.ms <= limitMs;
    const fitting = Math.floor((limitMs / light.windowMs) * light.limit);
    const fittingShare = Math.floor((100 * fitting) / ((light.limit * o.intervalMs) / light.windowMs)) / 100;
    const why = ok
      ? ''
      : `: over by ${duration(r.real.ms - limitMs)} (${(r.real.ms / limitMs).toFixed(2)}×). Why: ${r.requests.Light} Light requests set it; ${budgetWhy}, and the plan fills the budget (due ${r.facts['picked due']}, the rest active or oldest), while the floor, ${r.facts['due quota']} due mailboxes plus the changed ones, costs ${duration(r.floor.ms)}. ` +
        `A share of ${fittingShare} (RCSYNC_MESSAGES_BUDGET_SHARE) plans at most ${Math.floor(fittingShare * ((light.limit * o.intervalMs) / light.windowMs))} requests, within ${duration(limitMs)}`;
    return `- ${size.toLocaleString('en-US')}-extension ${step} within ${duration(limitMs)} at real limits: ${verdict(ok)}, ${duration(r.real.ms)} (${r.real.group})${why}.`;
  };
  out.push(syncTarget(2_000, 'quiet sync', 5 * MINUTE), syncTarget(10_000, 'quiet sync', o.intervalMs), syncTarget(10_000, 'busy sync', o.intervalMs));

  const busy = rows.filter((r) => r.step === 'busy sync');
  out.push(
    `- (not a target) a busy sync reads the mailboxes with new messages only as far as its plan picks them: ` +
      `${busy.map((r) => `${r.facts['of them read']} of ${r.facts['mailboxes with new messages']} (${r.size.toLocaleString('en-US')})`).join(', ')}; without push marks the others wait for their turn, at most the 24-hour period.`,
  );

  const syncs = rows.filter((r) => r.step !== 'backfill');
  const unreconciled = syncs.filter((r) => r.facts['plan warning'] === true || r.facts['picked due'] !== r.facts['due quota']);
  out.push(
    `- every mailbox reconciled daily: ${verdict(unreconciled.length === 0)}; ` +
      (unreconciled.length === 0
        ? `every sync picked its full due quota (mailboxes ÷ 96) and none warned.`
        : `${unreconciled.map((r) => `${r.size} ${r.step} picked ${r.facts['picked due']} of ${r.facts['due quota']} due`).join('; ')}.`),
  );

  for (const size of new Set(rows.map((r) => r.size))) {
    const first = at(size, 'first sync');
    const quiet = at(size, 'quiet sync');
    if (!first || !quiet) continue;
    const ok = first.real.ms <= quiet.real.ms;
    const dearer = GROUPS.filter((g) => first.requests[g] > quiet.requests[g]).map((g) => `${g} ${first.requests[g]} vs ${quiet.requests[g]}`);
    out.push(
      `- ${size.toLocaleString('en-US')}: first sync after the backfill no more expensive than a quiet sync: ${verdict(ok)}, ${duration(first.real.ms)} vs ${duration(quiet.real.ms)} at real limits` +
        (dearer.length ? ` (groups with more requests: ${dearer.join(', ')}${ok ? '; they are not the slowest group' : ''})` : '') +
        (ok
          ? '.'
          : `: over by ${duration(first.real.ms - quiet.real.ms)}. Why: both stay within the same ${first.facts['Light budget']}-request message budget (planned ${first.facts['Light planned']} vs ${quiet.facts['Light planned']}, sent ${first.requests.Light} vs ${quiet.requests.Light}) and the first sync sent ${first.facts['message FSyncs and store pages']} message FSyncs or store pages: it picked other mailboxes, it did not catch up on the backfill.`),
    );
  }

  for (const r of rows.filter((x) => x.step === 'backfill')) {
    const ratio = r.wallMs / (r.floor.ms / o.speedup);
    const mailboxes = Number(r.facts['mailboxes with a store']);
    const perMailbox = r.requests.Light / Math.max(1, mailboxes);
    const governor = r.wallMs / (r.real.ms / o.speedup);
    const why = ratio <= 1.1
      ? ''
      : `: ${(ratio / 1.1).toFixed(2)}× over the target. Why: the plan sends ${perMailbox.toFixed(2)} Light requests per mailbox (${r.requests.Light} for ${mailboxes} mailboxes) where the floor sends 1, so its own requests cost ${(r.real.ms / r.floor.ms).toFixed(2)}× the floor at the limits, and the run took ${governor.toFixed(2)}× that (${r.lightUtilisation === undefined ? '' : `Light at ${(r.lightUtilisation * 100).toFixed(1)}% of its limit`})`;
    out.push(`- ${r.size.toLocaleString('en-US')}: backfill wall time ≤ 1.1 × floor: ${verdict(ratio <= 1.1)}, ${ratio.toFixed(2)}×${why}.`);
    const records = Number(r.facts['call records']);
    const pages = Number(r.facts['call-log pages']);
    const perThousand = records > 0 ? (pages - 1) / (records / 1000) : 0;
    out.push(`- ${r.size.toLocaleString('en-US')}: call-log requests per 1,000 records beyond the range's first page ≤ 1.05: ${verdict(perThousand <= 1.05)}, ${perThousand.toFixed(3)} (${pages} pages, ${records.toLocaleString('en-US')} records).`);
  }

  const refused = rows.reduce((n, r) => n + r.refused, 0);
  const backfills = rows.filter((r) => r.lightUtilisation !== undefined);
  const low = backfills.filter((r) => r.lightUtilisation! < 0.9);
  out.push(
    `- governor utilisation ≥ 0.9 with zero 429s: ${verdict(low.length === 0 && refused === 0)} at these (default) limits: ${refused} requests refused over every step; ` +
      `the backfills' Light share of the limit ${backfills.map((r) => `${(r.lightUtilisation! * 100).toFixed(1)}% (${r.size.toLocaleString('en-US')})`).join(', ')}` +
      `${low.length ? `; below 0.9 because at ${o.speedup}× speed something other than the server's limit set the pace (wall ÷ own above 1, see "Light requests/s"), so this share measures the machine; the governor's own share at the limit is the extraction section's` : ''}. Small custom limits: the extraction section (Heavy 3 per 10 s).`,
  );
  return out;
}
