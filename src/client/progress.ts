/** A live progress line fed by the workflows' `progress` queries. */
import type { Client, WorkflowHandle } from '@temporalio/client';

type Progress = Record<string, unknown>;

async function query(handle: WorkflowHandle): Promise<Progress | undefined> {
  return handle.query<Progress>('progress').catch(() => undefined);
}

/** Activities of these workflows that are waiting for a rate budget, e.g. "Light budget, next try in 41 s". */
async function rateWaits(handles: WorkflowHandle[]): Promise<string[]> {
  const waits: string[] = [];
  for (const handle of handles) {
    const description = await handle.describe().catch(() => undefined);
    for (const a of description?.raw.pendingActivities ?? []) {
      const failure = a.lastFailure;
      if (failure?.applicationFailureInfo?.type !== 'RateLimitWait') continue;
      const group = /^(\w+) rate budget/.exec(failure.message ?? '')?.[1] ?? 'rate';
      const next = a.nextAttemptScheduleTime?.seconds ? Number(a.nextAttemptScheduleTime.seconds) * 1000 - Date.now() : 0;
      waits.push(`waiting for ${group} budget${next > 0 ? `, next try in ${Math.ceil(next / 1000)} s` : ''}`);
    }
  }
  return [...new Set(waits)];
}

function describe(p: Progress | undefined, children: Record<string, Progress | undefined>, waits: string[]): string {
  if (!p) return 'waiting for a worker...';
  const parts = [String(p.phase ?? '')];
  const counts = (p.counts ?? {}) as Record<string, number>;
  for (const [k, v] of Object.entries(counts)) parts.push(`${k} ${v}`);
  const cl = children.callLog;
  if (cl) {
    const done = Number(cl.nextIndex ?? 0);
    const total = Number(cl.windows ?? 0);
    const width = 20;
    const filled = total ? Math.round((done / total) * width) : 0;
    parts.push(`call log [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} windows, ${cl.pages} pages, ${cl.records} records`);
    const w = cl.current as { from?: string } | undefined;
    if (w?.from) parts.push(`window ${w.from.slice(0, 16)}`);
  }
  const m = children.messages;
  if (m) parts.push(`messages ${m.step ? `(export: ${m.step}) ` : ''}${m.extensions} extensions, ${m.records} records (${m.inFlight} in flight)`);
  parts.push(...waits);
  return parts.filter(Boolean).join(' · ');
}

/** Polls until the workflow closes, redrawing one line on a terminal; the last line is its final state. Returns its result. */
export async function followWorkflow<T>(client: Client, handle: WorkflowHandle, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Promise<T> {
  let last = '';
  let closed = false;
  const result = handle.result().finally(() => (closed = true));
  result.catch(() => undefined); // observed at the end; a failure while a poll is in flight is not "unhandled"
  for (;;) {
    // Read before polling: the poll after the close is the one that shows the final state.
    const final = closed;
    const p = await query(handle);
    const children: Record<string, Progress | undefined> = {};
    const handles = [handle];
    for (const [name, id] of [['callLog', p?.callLogWorkflowId], ['messages', p?.messagesWorkflowId ?? p?.messagesChildId]] as const) {
      if (!id) continue;
      const child = client.workflow.getHandle(String(id));
      handles.push(child);
      children[name] = await query(child);
    }
    // A closed run no worker can replay answers no query: keep the last line rather than "waiting for a worker".
    const line = final && !p ? last : describe(p, children, final ? [] : await rateWaits(handles));
    if (line !== last) {
      out.write(out.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
      last = line;
    }
    if (final) break;
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1_000))]);
  }
  if (out.isTTY) out.write('\n');
  return result as Promise<T>;
}
