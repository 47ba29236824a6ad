// GET /restapi (readAPIVersions): the API's versions and server info. RingCentral serves it
// without authentication or throttling, which makes it the cheap way to read the server's clock
// (the Date header, simulated time here).

import type { Body, Core } from './handlers';

/** The spec the simulator follows (info.version of the official file). */
const VERSION = '1.0.46';
/** That spec's publication date (its info links the YAML with `?v=20210226124432`). */
const RELEASE_DATE = '2021-02-26T00:00:00.000Z';

export function apiVersionsHandler(core: Core): Body {
  const uri = `${core.ctx.base}/restapi`;
  return {
    uri,
    apiVersions: [{ uri: `${uri}/v1.0`, versionString: VERSION, releaseDate: RELEASE_DATE, uriString: 'v1.0' }],
    serverVersion: `ringcentral-simulator ${VERSION}`,
    serverRevision: 'simulator',
  };
}
