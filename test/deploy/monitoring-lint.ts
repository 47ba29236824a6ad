/** Checks of deploy/monitoring: which metrics and labels the rules and the dashboard use. */
import { Registry } from 'prom-client';
import { registry } from '../../src/metrics/product';
import { registerWarehouseGauges } from '../../src/metrics/warehouse-gauges';
import type { Pool } from '../../src/warehouse/db';

/** Metric names used in PromQL text (identifiers with our prefixes), with histogram suffixes kept. */
export function metricNames(promql: string, prefix: 'rcsync_' | 'temporal_'): Set<string> {
  return new Set(promql.match(new RegExp(`\\b${prefix}[a-z0-9_]+`, 'g')) ?? []);
}

/** Label names used in selectors of each metric: `name{a="x", b=~"y"}`. */
export function selectorLabels(promql: string): Array<{ metric: string; label: string }> {
  const out: Array<{ metric: string; label: string }> = [];
  for (const [, metric, body] of promql.matchAll(/\b([a-z_][a-z0-9_]*)\{([^}]*)\}/g)) {
    for (const [, label] of body.matchAll(/([a-z_][a-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) out.push({ metric, label });
  }
  return out;
}

/** The product's exported series names (histograms with their suffixes) and their label names. */
export function exportedProductMetrics(): Map<string, string[]> {
  // The scrape-time gauges register against a pool they only query when scraped.
  const all = new Registry();
  registerWarehouseGauges(all, {} as Pool, []);
  const merged = Registry.merge([registry, all]);
  const out = new Map<string, string[]>();
  for (const m of merged.getMetricsAsArray()) {
    const labels = (m as unknown as { labelNames: string[] }).labelNames;
    const names = m.type.toString() === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name];
    for (const n of names) out.set(n, m.type.toString() === 'histogram' && n.endsWith('_bucket') ? [...labels, 'le'] : labels);
  }
  return out;
}

/** Problems of PromQL text against what the product exports: unknown metrics, unknown labels. */
export function promqlProblems(where: string, promql: string, exported = exportedProductMetrics()): string[] {
  const problems: string[] = [];
  for (const name of metricNames(promql, 'rcsync_')) if (!exported.has(name)) problems.push(`${where}: ${name} is not exported by the worker`);
  for (const { metric, label } of selectorLabels(promql)) {
    const labels = exported.get(metric);
    if (labels && !labels.includes(label)) problems.push(`${where}: ${metric} has no label "${label}"`);
  }
  return problems;
}
