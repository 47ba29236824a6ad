import type { RingCentralClients } from '../ringcentral/client';
import type { Pool } from '../warehouse/db';

export interface ExtractionSettings {
  /** Extension types whose message stores are synced (others have none, and would waste the Light budget). */
  messageExtensionTypes: string[];
  messageExtensionStatuses: string[];
}

export const DEFAULT_EXTRACTION_SETTINGS: ExtractionSettings = {
  messageExtensionTypes: ['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'Department', 'Voicemail'],
  messageExtensionStatuses: ['Enabled', 'Disabled', 'Frozen'],
};

export interface ActivityDeps {
  pool: Pool;
  rc?: RingCentralClients;
  settings?: Partial<ExtractionSettings>;
}

export function requireRc(deps: ActivityDeps): RingCentralClients {
  if (!deps.rc) throw new Error('This worker has no RingCentral accounts configured (set RC_* variables or RC_ACCOUNTS_FILE).');
  return deps.rc;
}
