/**
 * The deployment files, checked without Docker: docker-compose.yml (and the multi-account
 * overlay) against the vendored Compose Specification schema plus the wiring between
 * services; the Dockerfile and .dockerignore against what the image must do.
 * Each rule also has a negative case: a mutated copy must be rejected, so the checks can fail.
 */
import { describe, expect, it } from 'vitest';
import {
  accountsOverlayProblems,
  clone,
  type ComposeDoc,
  dockerfileProblems,
  dockerignoreProblems,
  interpolate,
  InterpolationError,
  mergeCompose,
  parseCompose,
  parseEnvFile,
  readRepoFile,
  referencedVariables,
  schemaProblems,
  SERVICES,
  wiringProblems,
} from './compose-lint';

const composeText = readRepoFile('docker-compose.yml');
const overlayText = readRepoFile('deploy', 'compose.accounts.yml');
const envExample = parseEnvFile(readRepoFile('deploy', '.env.example'));
const dockerfile = readRepoFile('Dockerfile');

const raw = parseCompose(composeText);
const overlayRaw = parseCompose(overlayText);
/** What `docker compose --env-file deploy/.env.example config` would see. */
const resolved: ComposeDoc = interpolate(raw, envExample);
const overlayResolved: ComposeDoc = interpolate(overlayRaw, envExample);

/** Fails with every problem listed, instead of a bare array diff. */
function expectNoProblems(problems: string[]) {
  if (problems.length) expect.fail(`${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
}

/** Schema + wiring, the way the tests below judge a compose document (raw form). */
function allProblems(rawDoc: ComposeDoc, env = envExample): string[] {
  let doc: ComposeDoc;
  try {
    doc = interpolate(rawDoc, env);
  } catch (err) {
    if (err instanceof InterpolationError) return [err.message];
    throw err;
  }
  return [...schemaProblems(doc), ...wiringProblems(doc, rawDoc)];
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema (after interpolation)', () => {
    expectNoProblems(schemaProblems(resolved));
  });

  it('has the five services, wired together', () => {
    expect(Object.keys(resolved.services).sort()).toEqual(expect.arrayContaining(Object.values(SERVICES)));
    expectNoProblems(wiringProblems(resolved, raw));
  });

  it('points the worker at warehouse-db and at temporal:7233', () => {
    const env = resolved.services.worker.environment;
    expect(new URL(env.DATABASE_URL).hostname).toBe('warehouse-db');
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(resolved.services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('documents every ${VAR} it references in deploy/.env.example', () => {
    const used = [...referencedVariables(raw), ...referencedVariables(overlayRaw)];
    const undocumented = [...new Set(used)].filter((v) => !(v in envExample)).sort();
    expect(undocumented, 'add these to deploy/.env.example').toEqual([]);
    // And the example documents nothing the compose files do not use.
    const unused = Object.keys(envExample).filter((v) => !used.includes(v));
    expect(unused, 'unused entries in deploy/.env.example').toEqual([]);
  });

  it('refuses to start without the required passwords (compose-level guard)', () => {
    const { WAREHOUSE_DB_PASSWORD: _w, ...noWarehousePassword } = envExample;
    expect(() => interpolate(raw, noWarehousePassword)).toThrow(/WAREHOUSE_DB_PASSWORD/);
    const { TEMPORAL_DB_PASSWORD: _t, ...noTemporalPassword } = envExample;
    expect(() => interpolate(raw, noTemporalPassword)).toThrow(/TEMPORAL_DB_PASSWORD/);
    // RC_* must be present in the env file (they may be empty for the multi-account overlay).
    const { RC_JWT: _j, ...noJwt } = envExample;
    expect(() => interpolate(raw, noJwt)).toThrow(/RC_JWT/);
  });

  it('passes real credentials through unchanged', () => {
    const env = { ...envExample, RC_CLIENT_ID: 'id-1', RC_CLIENT_SECRET: 's3cr3t', RC_JWT: 'eyJ.jwt' };
    const w = interpolate(raw, env).services.worker.environment;
    expect([w.RC_CLIENT_ID, w.RC_CLIENT_SECRET, w.RC_JWT]).toEqual(['id-1', 's3cr3t', 'eyJ.jwt']);
    expect(w.RC_SERVER_URL).toBe(envExample.RC_SERVER_URL);
  });
});

describe('deploy/compose.accounts.yml (multi-account overlay)', () => {
  it('is valid on its own and merged onto docker-compose.yml', () => {
    expectNoProblems(schemaProblems(overlayResolved));
    const merged = mergeCompose(resolved, overlayResolved);
    expectNoProblems(schemaProblems(merged));
    expectNoProblems(wiringProblems(merged, mergeCompose(raw, overlayRaw)));
  });

  it('mounts the accounts JSON as a secret where RC_ACCOUNTS_FILE points', () => {
    expectNoProblems(accountsOverlayProblems(overlayResolved, overlayRaw));
    expect(overlayResolved.services.worker.environment.RC_ACCOUNTS_FILE).toBe('/run/secrets/rc_accounts');
  });

  it('rejects an RC_ACCOUNTS_FILE that no secret is mounted at', () => {
    const bad = clone(overlayResolved);
    bad.services.worker.environment.RC_ACCOUNTS_FILE = '/etc/rc-accounts.json';
    expect(accountsOverlayProblems(bad, overlayRaw).join('\n')).toMatch(/not where any secret is mounted/);
  });
});

describe('the checks reject broken compose files', () => {
  const mutate = (edit: (doc: ComposeDoc) => void) => {
    const doc = clone(raw);
    edit(doc);
    return allProblems(doc).join('\n');
  };

  it('accepts the unmodified file', () => {
    expectNoProblems(allProblems(raw));
  });

  it('worker without DATABASE_URL', () => {
    expect(mutate((d) => delete d.services.worker.environment.DATABASE_URL)).toMatch(/worker: environment must define DATABASE_URL/);
  });

  it('unknown top-level key (servicez)', () => {
    const problems = mutate((d) => {
      d.servicez = d.services;
      delete d.services;
    });
    expect(problems).toMatch(/does not match the Compose Specification schema/);
    expect(problems).toMatch(/must NOT have additional properties 'servicez'/);
  });

  it('unknown service key and a bad depends_on condition', () => {
    expect(mutate((d) => (d.services.worker.restart_policy = 'always'))).toMatch(/additional properties 'restart_policy'/);
    expect(mutate((d) => (d.services.worker.depends_on.temporal.condition = 'service_ready'))).toMatch(/depends_on/);
  });

  it('a malformed healthcheck duration', () => {
    expect(mutate((d) => (d.services['warehouse-db'].healthcheck.interval = 'ten seconds'))).toMatch(/format "duration"/);
  });

  it('DATABASE_URL pointing at the wrong host, or with a literal password', () => {
    expect(mutate((d) => (d.services.worker.environment.DATABASE_URL = d.services.worker.environment.DATABASE_URL.replace('@warehouse-db:', '@localhost:')))).toMatch(
      /DATABASE_URL host must be the "warehouse-db" service/,
    );
    expect(mutate((d) => (d.services.worker.environment.DATABASE_URL = 'postgres://rcsync:hunter2@warehouse-db:5432/warehouse'))).toMatch(
      /password is written into the file|password does not match/,
    );
  });

  it('TEMPORAL_ADDRESS on the wrong port or host', () => {
    expect(mutate((d) => (d.services.worker.environment.TEMPORAL_ADDRESS = 'temporal:7234'))).toMatch(/TEMPORAL_ADDRESS must be temporal:7233/);
    expect(mutate((d) => (d.services['temporal-ui'].environment.TEMPORAL_ADDRESS = 'localhost:7233'))).toMatch(/temporal-ui: TEMPORAL_ADDRESS/);
  });

  it('hard-coded RingCentral secret', () => {
    expect(mutate((d) => (d.services.worker.environment.RC_CLIENT_SECRET = 'abc123'))).toMatch(/RC_CLIENT_SECRET must be a \$\{RC_CLIENT_SECRET\.\.\.\} interpolation/);
  });

  it('worker not waiting for the warehouse, or waiting on a service without healthcheck', () => {
    expect(mutate((d) => delete d.services.worker.depends_on['warehouse-db'])).toMatch(/must depend on warehouse-db/);
    expect(mutate((d) => delete d.services['warehouse-db'].healthcheck)).toMatch(/waits for warehouse-db to be healthy, but warehouse-db has no healthcheck/);
  });

  it('a missing service, an unpinned image, a worker without build', () => {
    expect(mutate((d) => delete d.services['temporal-db'])).toMatch(/service "temporal-db" is missing/);
    expect(mutate((d) => (d.services.temporal.image = 'temporalio/auto-setup:latest'))).toMatch(/pinned/);
    expect(mutate((d) => delete d.services.worker.build)).toMatch(/worker: must be built/);
  });

  it('a ${VAR} not documented in deploy/.env.example', () => {
    const doc = clone(raw);
    doc.services.worker.environment.LOG_LEVEL = '${RCSYNC_LOG_LEVEL:-info}';
    expect([...referencedVariables(doc)].filter((v) => !(v in envExample))).toEqual(['RCSYNC_LOG_LEVEL']);
  });
});

describe('Dockerfile and .dockerignore', () => {
  it('builds in stages and runs `rcsync worker` as a non-root user', () => {
    expectNoProblems(dockerfileProblems(dockerfile));
  });

  it('rejects a root runtime user, a missing USER and another entrypoint', () => {
    expect(dockerfileProblems(dockerfile.replace(/^USER .*$/m, 'USER root')).join('\n')).toMatch(/must not be root/);
    expect(dockerfileProblems(dockerfile.replace(/^USER .*$/m, '')).join('\n')).toMatch(/non-root USER/);
    expect(dockerfileProblems(dockerfile.replace(/^ENTRYPOINT .*$/m, 'ENTRYPOINT ["npx", "tsx", "src/client/main.ts"]')).join('\n')).toMatch(/ENTRYPOINT must be/);
    expect(dockerfileProblems(dockerfile.replace(/--omit=dev/g, '')).join('\n')).toMatch(/--omit=dev/);
  });

  it('.dockerignore keeps host artefacts and secrets out of the build context', () => {
    const text = readRepoFile('.dockerignore');
    expectNoProblems(dockerignoreProblems(text));
    expect(dockerignoreProblems(text.replace(/^node_modules$/m, ''))).toEqual(['.dockerignore: must exclude node_modules']);
  });
});
