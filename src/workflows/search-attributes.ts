/**
 * Custom search attributes, so operators filter runs in the Temporal UI ("every failed
 * backfill of account acme"). Starters (CLI, schedules) set account, kind and streams when
 * the namespace has the attributes; a workflow that was started with them passes them on to
 * its children and records its outcome at the end. A run started without them (namespace
 * not set up, or an old starter) never upserts: upserting an unregistered attribute would
 * fail its workflow task over and over.
 */
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export const ACCOUNT_ATTRIBUTE = defineSearchAttributeKey('RcsyncAccount', SearchAttributeType.KEYWORD);
export const RUN_KIND_ATTRIBUTE = defineSearchAttributeKey('RcsyncRunKind', SearchAttributeType.KEYWORD);
export const STREAMS_ATTRIBUTE = defineSearchAttributeKey('RcsyncStreams', SearchAttributeType.KEYWORD_LIST);
export const OUTCOME_ATTRIBUTE = defineSearchAttributeKey('RcsyncOutcome', SearchAttributeType.KEYWORD);
export const SEARCH_ATTRIBUTE_KEYS = [ACCOUNT_ATTRIBUTE, RUN_KIND_ATTRIBUTE, STREAMS_ATTRIBUTE, OUTCOME_ATTRIBUTE];

export type RunKind = 'sync' | 'backfill' | 'messages' | 'call_log';
export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** A top-level run's attributes at start; its outcome is 'running' until it records another. */
export function runSearchAttributes(run: { account: string; kind: RunKind; streams: string[] }): TypedSearchAttributes {
  return new TypedSearchAttributes([...identity(run), { key: OUTCOME_ATTRIBUTE, value: 'running' }] as SearchAttributePair[]);
}

function identity(run: { account: string; kind: RunKind; streams: string[] }): SearchAttributePair[] {
  return [
    { key: ACCOUNT_ATTRIBUTE, value: run.account },
    { key: RUN_KIND_ATTRIBUTE, value: run.kind },
    { key: STREAMS_ATTRIBUTE, value: run.streams },
  ] as SearchAttributePair[];
}

const hasSearchAttributes = () => workflowInfo().typedSearchAttributes.get(ACCOUNT_ATTRIBUTE) !== undefined;

/** Workflow code: a child's account, kind and streams (its parent carries the outcome), or none when this run has none. */
export function childSearchAttributes(kind: RunKind, streams: string[]): { typedSearchAttributes?: TypedSearchAttributes } {
  const account = workflowInfo().typedSearchAttributes.get(ACCOUNT_ATTRIBUTE);
  if (account === undefined) return {};
  return { typedSearchAttributes: new TypedSearchAttributes(identity({ account, kind, streams })) };
}

/** Workflow code: the run's outcome, for filtering finished runs. */
export function recordOutcome(outcome: RunOutcome): void {
  if (hasSearchAttributes()) upsertSearchAttributes([{ key: OUTCOME_ATTRIBUTE, value: outcome }]);
}
