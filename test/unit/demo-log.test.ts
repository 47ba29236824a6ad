import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoLogSink } from '../../src/demo/worker-log';

describe("the demo's worker log", () => {
  it('a failing background activity is one terminal line; its stack goes to the log file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rcsync-demo-log-')), 'worker.log');
    const terminal: string[] = [];
    const sink = demoLogSink(file, (line) => terminal.push(line));
    const error = new Error('Heavy rate budget exhausted\nsecond line of detail');
    const at = BigInt(Date.parse('2026-11-30T04:00:00Z')) * 1_000_000n;
    sink({ level: 'WARN', message: 'Activity failed', meta: { activityType: 'callLogWindow', workflowType: 'callLogBackfillWorkflow', error }, timestampNanos: at });
    sink({ level: 'INFO', message: 'Workflow bundle created', meta: {}, timestampNanos: at });

    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toBe(`worker warn: Activity failed (callLogBackfillWorkflow / callLogWindow): Heavy rate budget exhausted [details: ${file}]`);
    const log = readFileSync(file, 'utf8');
    expect(log.split('\n').filter(Boolean)).toHaveLength(2);
    expect(log).toContain('2026-11-30T04:00:00.000Z WARN Activity failed');
    expect(log).toContain(JSON.stringify(error.stack));
    expect(log).toContain('Workflow bundle created');
  });
});
