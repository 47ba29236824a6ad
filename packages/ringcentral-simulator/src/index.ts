// Public entry point of the RingCentral API simulator.

export { startSimulator, type Simulator } from './start';
export { serveSimulatorFromCli, runSimulatorCli, parseSimulatorArgs, type CliOptions } from './cli';
export { loadSubset as loadOpenApiContract, specPath as officialSpecPath } from './openapi-spec';
export { DEFAULTS as SIMULATOR_DEFAULTS, type ResolvedOptions } from './simulator';
export type { SimulatorOptions, ExtAttrs, RateGroup, ThrottlingGroup, RateLimitConfig, TokenTtl, ExtStatus, ExtType } from './types';
export type { FaultRule, FaultKind, FaultMatch } from './faults';
export type { LifecycleEvent, LifecycleKind } from './lifecycle';
export type { RequestLogEntry, StatsSnapshot } from './stats';
export type { ExtensionVersionInfo, TimeLike, Truth } from './truth';
export type { MailboxExport } from './message-export';
export type { SimClockApi } from './clock';
export type { PushConfig, PushStats } from './push-config';
