/** A live progress line fed by the workflows' `progress` queries. */
import type { Client, WorkflowHandle } from '@temporalio/client';

type Progress = Record<string, unknown>;

async function query(handle: WorkflowHandle): Promise<Progress | undefined> {
  return handle.query<Progress>('progress').catch(() => undefined);
}

function describe(p: Progress | undefined, children: Record<string, Progress | undefined>): string {
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
  if (m) parts.push(`messages ${m.extensions} extensions, ${m.records} records (${m.inFlight} in flight)`);
  return parts.filter(Boolean).join(' · ');
}

/** Polls until the workflow closes, redrawing one line on a terminal; returns its result. */
export async function followWorkflow<T>(client: Client, handle: WorkflowHandle, out = process.stderr): Promise<T> {
  let last = '';
  let closed = false;
  const result = handle.result().finally(() => (closed = true));
  while (!closed) {
    const p = await query(handle);
    const children: Record<string, Progress | undefined> = {};
    if (p?.callLogWorkflowId) children.callLog = await query(client.workflow.getHandle(String(p.callLogWorkflowId)));
    if (p?.messagesWorkflowId) children.messages = await query(client.workflow.getHandle(String(p.messagesWorkflowId)));
    const line = describe(p, children);
    if (line !== last) {
      out.write(out.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
      last = line;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1_000))]);
  }
  if (out.isTTY) out.write('\n');
  return result as Promise<T>;
}
