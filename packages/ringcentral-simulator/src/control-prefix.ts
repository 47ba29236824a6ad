// Where the HTTP control surface lives; no RingCentral path starts with it.
export const CONTROL_PREFIX = '/_sim/';
