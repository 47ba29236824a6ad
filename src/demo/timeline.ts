/**
 * The demo's simulated timeline. The script moves simulated time forward itself (a hire, then
 * SYNC_STEP per sync, and two hours for the recycled number before sync 2), then the account
 * keeps pace with the wall clock, so it must start far enough back to end before "now".
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Simulated time between the scripted syncs: long enough that the newcomer with a recycled number makes calls between the sync that first lists it (where its attributed history starts: docs/dimension.md) and the next. */
export const SYNC_STEP = 4 * HOUR;

/** From the start to sync 2, the first to list the newcomer: sync 1, the recycled number's two hours, sync 2. */
const SYNC2_AFTER_START = 2 * SYNC_STEP + 2 * HOUR;

/**
 * Where the simulated timeline starts: the script ends before `wallMs`, and sync 2 falls at
 * 15:00 UTC on a weekday. The simulator puts 80% of calls in 14:00-23:00 UTC and a quarter of
 * them at weekends, so the newcomer's calls after the reassignment are there to show whatever
 * the hour the demo is run (from a start hours earlier in the day, its window would fall in the
 * quiet night with one call in five demos).
 */
export function demoStart(wallMs: number, syncs: number): Date {
  const sync2Latest = wallMs - (syncs + 2) * SYNC_STEP + SYNC2_AFTER_START;
  let sync2 = Math.floor(sync2Latest / DAY) * DAY + 15 * HOUR;
  while (sync2 > sync2Latest || [0, 6].includes(new Date(sync2).getUTCDay())) sync2 -= DAY;
  return new Date(sync2 - SYNC2_AFTER_START);
}
