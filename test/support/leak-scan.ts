/**
 * What must never leave the worker's process in Temporal history or logs, taken from the data
 * the simulated API served: names, emails, phone numbers, message texts (personal data, matched
 * as whole words, so "Mark" does not match "keepDoneMarker") and credentials (the client
 * secret, the JWT, issued access tokens; matched anywhere).
 */
import type { Client } from '@temporalio/client';
import type { Simulator } from 'ringcentral-simulator';

export interface Secrets {
  personal: Set<string>;
  credentials: Set<string>;
}

const HOUR = 3_600_000;

export function servedSecrets(sim: Simulator, opts: { from?: number; to?: number } = {}): Secrets {
  const to = opts.to ?? sim.clock.now();
  const from = opts.from ?? to - 24 * HOUR;
  const personal = new Set<string>();
  const add = (v: unknown) => typeof v === 'string' && v.length > 2 && personal.add(v);
  for (const e of sim.truth.extensions()) {
    const c = (e.contact ?? {}) as Record<string, string>;
    for (const v of [e.name, c.email, c.firstName, c.lastName, c.businessPhone]) add(v);
    for (const m of sim.truth.messages(e.id as number, { from, to })) add(m.subject);
  }
  for (const call of sim.truth.callLog({ from, to })) {
    for (const party of [call.from, call.to] as Array<Record<string, string> | undefined>) add(party?.phoneNumber);
  }
  const credentials = new Set([sim.credentials.clientSecret, sim.credentials.jwt]);
  // The request log keeps the first characters of every bearer token the worker used.
  for (const r of sim.requestLog()) if (r.token && r.token.length >= 8) credentials.add(r.token);
  return { personal, credentials };
}

/** The secrets that occur in `text` (empty when none does). */
export function findLeaks(text: string, secrets: Secrets): string[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const leaks = [...secrets.credentials].filter((s) => text.includes(s));
  for (const s of secrets.personal) if (new RegExp(`(?<![A-Za-z0-9])${escape(s)}(?![A-Za-z0-9])`).test(text)) leaks.push(s);
  return leaks;
}

/** Every workflow history on the task queue, its payloads decoded too (base64 JSON): what each one leaks. */
export async function historyLeaks(client: Client, taskQueue: string, secrets: Secrets): Promise<Array<{ workflowId: string; type: string; leaks: string[] }>> {
  const scanned = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = JSON.stringify(await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
    const decoded = history.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
    scanned.push({ workflowId: wf.workflowId, type: wf.type, leaks: findLeaks(decoded, secrets) });
  }
  return scanned;
}

/** JSON log lines as text to scan: each line raw and with its string values decoded (escapes undone). */
export function logText(lines: string[]): string {
  const decoded: string[] = [];
  const strings = (v: unknown): void => {
    if (typeof v === 'string') decoded.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(strings);
  };
  for (const line of lines) {
    try {
      strings(JSON.parse(line));
    } catch {
      /* not JSON: scanned raw */
    }
  }
  return [...lines, ...decoded].join('\n');
}
