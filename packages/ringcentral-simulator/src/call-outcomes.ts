// What can happen to a call, from each party's point of view. Index into OUTCOMES is
// what the compact call entries store.

export type CallScenario = 'inbound' | 'outbound' | 'internal' | 'faxIn' | 'faxOut';

export interface Outcome {
  scenario: CallScenario;
  weight: number;
  /** result/reason for the originator's record (leg 0) and, for internal calls, the callee's (leg 1). */
  result: [string, string?];
  reason: [string?, string?];
  /** Duration model: connected calls are long-tailed, failed ones short. */
  dur: 'talk' | 'ring' | 'vm' | 'fax' | 'zero';
  recordable: boolean;
}

const o = (
  scenario: CallScenario, weight: number, result: [string, string?], reason: [string?, string?],
  dur: Outcome['dur'], recordable = false,
): Outcome => ({ scenario, weight, result, reason, dur, recordable });

export const OUTCOMES: readonly Outcome[] = [
  o('inbound', 70, ['Accepted'], ['Accepted'], 'talk', true),
  o('inbound', 14, ['Missed'], ['Not Answered'], 'ring'),
  o('inbound', 12, ['Voicemail'], [], 'vm'),
  o('inbound', 2, ['Rejected'], [], 'zero'),
  o('inbound', 2, ['Abandoned'], [], 'ring'),
  o('outbound', 75, ['Call connected'], ['Connected'], 'talk', true),
  o('outbound', 12, ['No Answer'], ['Not Answered'], 'ring'),
  o('outbound', 6, ['Busy'], ['line Busy'], 'zero'),
  o('outbound', 5, ['Hang Up'], ['Hang Up'], 'ring'),
  o('outbound', 2, ['Wrong Number'], ['Wrong Number'], 'zero'),
  o('internal', 75, ['Call connected', 'Accepted'], ['Connected', 'Accepted'], 'talk', true),
  o('internal', 15, ['No Answer', 'Missed'], ['Not Answered', 'Not Answered'], 'ring'),
  o('internal', 10, ['Call connected', 'Voicemail'], ['Connected'], 'vm'),
  o('faxIn', 90, ['Received'], [], 'fax'),
  o('faxIn', 10, ['Receive Error'], ['Fax Not Received'], 'fax'),
  o('faxOut', 90, ['Sent'], [], 'fax'),
  o('faxOut', 10, ['Send Error'], ['Fax Send Error'], 'fax'),
];

const byScenario = new Map<CallScenario, number[]>();
OUTCOMES.forEach((x, i) => byScenario.set(x.scenario, [...(byScenario.get(x.scenario) ?? []), i]));

export function pickOutcome(scenario: CallScenario, u: number): number {
  const idxs = byScenario.get(scenario)!;
  let total = 0;
  for (const i of idxs) total += OUTCOMES[i]!.weight;
  let x = u * total;
  for (const i of idxs) {
    if (x < OUTCOMES[i]!.weight) return i;
    x -= OUTCOMES[i]!.weight;
  }
  return idxs[idxs.length - 1]!;
}

/** Seconds; capped at 2 h so "settled day" bounds hold. */
export function durationFor(kind: Outcome['dur'], u: number): number {
  switch (kind) {
    case 'talk':
      return Math.min(7200, 8 + Math.floor(Math.exp(u * 8.2)));
    case 'ring':
      return Math.floor(u * 35);
    case 'vm':
      return 15 + Math.floor(u * 105);
    case 'fax':
      return 30 + Math.floor(u * 270);
    default:
      return 0;
  }
}

export const MAX_CALL_SECONDS = 7200;
