// Every workflow the worker registers. Workflow code runs in Temporal's deterministic
// sandbox: no I/O, no clocks, no randomness here; activities do all of that.
export { checkWorkflow } from './check';
