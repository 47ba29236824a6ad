/** The one-line push health shown by `rcsync status` and the push workflow in the Temporal UI (pure: workflow code imports it). */
import type { PushHealth } from '../activities/push';

export function pushStatusLine(h: PushHealth): string {
  if (h.status === 'off') return `push: off (${h.offReason ?? 'unknown reason'}); polling alone keeps the warehouse current`;
  if (h.status === 'never started') return 'push: not started yet';
  const since = h.status === 'connected' && h.connectedSince ? `connected since ${h.connectedSince}` : h.status;
  return `push: ${since}, events ${h.eventsReceived}, last event ${h.lastEventAt ?? 'none yet'}, gaps ${h.gaps}, dirty mailboxes waiting ${h.dirtyMailboxes}`;
}
