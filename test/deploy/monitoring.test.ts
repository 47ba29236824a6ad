/**
 * deploy/monitoring, checked without Prometheus or Grafana: the scrape config targets the
 * worker's metrics ports as docker-compose.yml wires them, the alert rules cover what
 * operators need, and every rcsync_ metric and label the rules and the dashboard name is
 * one the worker exports. (temporal_ metrics are checked against a real runtime's endpoint
 * in test/integration/observability.test.ts.) Each check also rejects a broken copy.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsSettings } from '../../src/metrics/settings';
import { parseCompose, readRepoFile, environmentOf, containerPortsOf } from './compose-lint';
import { promqlProblems } from './monitoring-lint';

const prometheus = parse(readRepoFile('deploy', 'monitoring', 'prometheus.yml'));
const alerts = parse(readRepoFile('deploy', 'monitoring', 'alerts.yml'));
const dashboard = JSON.parse(readRepoFile('deploy', 'monitoring', 'grafana-dashboard.json'));
const rules: Array<{ alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }> = alerts.groups.flatMap((g: { rules: unknown[] }) => g.rules);
const dashboardExprs: Array<{ title: string; expr: string }> = dashboard.panels.flatMap((p: { title: string; targets: Array<{ expr: string }> }) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));

describe('deploy/monitoring', () => {
  it('scrapes both metrics ports of the compose worker', () => {
    const worker = parseCompose(readRepoFile('docker-compose.yml')).services.worker;
    const env = metricsSettings(environmentOf(worker) as NodeJS.ProcessEnv);
    const targets = Object.fromEntries(prometheus.scrape_configs.map((c: { job_name: string; static_configs: Array<{ targets: string[] }> }) => [c.job_name, c.static_configs[0].targets]));
    expect(targets).toEqual({ rcsync: [`worker:${env.product!.port}`], 'rcsync-temporal-sdk': [`worker:${env.temporal!.port}`] });
    // Listening on all interfaces inside the container, reachable on the compose network only.
    expect([env.product!.host, env.temporal!.host]).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(containerPortsOf(worker)).toEqual(expect.arrayContaining([env.product!.port, env.temporal!.port]));
    expect((worker.ports ?? []).length).toBe(0);
    expect(prometheus.rule_files).toEqual(['alerts.yml']);
  });

  it('alerts on sync failures, staleness, 429s and a saturated budget, each with a severity and a summary', () => {
    const using = (metric: RegExp) => rules.filter((r) => metric.test(r.expr)).map((r) => r.alert);
    expect(using(/rcsync_sync_runs_total\{outcome="failed"\}/)).not.toEqual([]);
    expect(using(/rcsync_freshness_seconds\{stream=~"extensions\|directory"\} >/)).not.toEqual([]);
    expect(using(/rcsync_freshness_seconds\{stream=~"call_log\|messages"\} >/)).not.toEqual([]);
    expect(using(/rcsync_api_rate_limited_total\[/)).not.toEqual([]);
    expect(using(/rcsync_rate_budget_utilisation_ratio\[/)).not.toEqual([]);
    for (const r of rules) {
      expect(r.alert).toMatch(/^Rcsync[A-Za-z]+$/);
      expect(['critical', 'warning', 'info']).toContain(r.labels.severity);
      expect(r.annotations.summary).toEqual(expect.any(String));
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('names only metrics and labels the worker exports, in rules and dashboard', () => {
    const problems = [...rules.flatMap((r) => promqlProblems(`alert ${r.alert}`, r.expr)), ...dashboardExprs.flatMap((e) => promqlProblems(`panel "${e.title}"`, e.expr))];
    expect(problems).toEqual([]);
    expect(dashboardExprs.length).toBeGreaterThanOrEqual(8);
    // The check can fail: a misspelt metric and a label it does not have are both caught.
    expect(promqlProblems('x', 'rate(rcsync_records_writen_total[5m])')).toEqual(['x: rcsync_records_writen_total is not exported by the worker']);
    expect(promqlProblems('x', 'rcsync_freshness_seconds{rate_group="Heavy"}')).toEqual(['x: rcsync_freshness_seconds has no label "rate_group"']);
  });

  it('is a dashboard Grafana can import: unique panel ids, a datasource variable, every panel on the grid', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toEqual(['datasource', 'account']);
    for (const p of dashboard.panels) {
      expect(p.datasource.uid).toBe('${datasource}');
      expect(p.gridPos.w + p.gridPos.x).toBeLessThanOrEqual(24);
    }
  });
});
