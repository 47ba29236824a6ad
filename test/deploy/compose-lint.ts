/**
 * Offline checks for the deployment files (docker-compose.yml, deploy/compose.accounts.yml,
 * Dockerfile, .dockerignore), used by compose.test.ts. No Docker needed:
 *  - Compose-style variable interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`,
 *    `${VAR:?e}`, `${VAR?e}`, `${VAR:+a}`, `${VAR+a}`), so the file is validated the way
 *    `docker compose config` does: interpolate first, then check against the schema.
 *  - JSON-schema validation against the Compose Specification schema vendored in
 *    deploy/compose-spec.schema.json (see deploy/README.md for its provenance).
 *  - Wiring checks the schema cannot express (service names in URLs, ports, secrets).
 * Every check returns a list of human-readable problems; empty means OK.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const repoPath = (...parts: string[]) => path.join(REPO_ROOT, ...parts);
export const readRepoFile = (...parts: string[]) => readFileSync(repoPath(...parts), 'utf8');

// The names the rest of the checks (and the worker's environment) rely on.
export const SERVICES = {
  temporal: 'temporal',
  temporalDb: 'temporal-db',
  temporalUi: 'temporal-ui',
  warehouseDb: 'warehouse-db',
  worker: 'worker',
} as const;
export const TEMPORAL_GRPC_PORT = 7233;
export const POSTGRES_PORT = 5432;

/* eslint-disable @typescript-eslint/no-explicit-any */
export type ComposeDoc = Record<string, any>;
type Env = Record<string, string | undefined>;

export function parseCompose(text: string): ComposeDoc {
  // merge: YAML `<<` merge keys, which Compose supports.
  const doc = parseYaml(text, { merge: true });
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('compose file is not a YAML mapping');
  return doc as ComposeDoc;
}

export const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------
// Interpolation

export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function interpolateString(s: string, env: Env, where: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      if (depth !== 0) throw new InterpolationError(`${where}: unterminated "\${" in ${JSON.stringify(s)}`);
      out += expand(s.slice(i + 2, j), env, where);
      i = j + 1;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (!m) throw new InterpolationError(`${where}: invalid interpolation format in ${JSON.stringify(s)} (write $$ for a literal $)`);
    out += env[m[0]] ?? '';
    i += 1 + m[0].length;
  }
  return out;
}

function expand(body: string, env: Env, where: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) throw new InterpolationError(`${where}: invalid interpolation "\${${body}}"`);
  const [, name, op, arg = ''] = m;
  const value = env[name];
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return nonEmpty ? value! : interpolateString(arg, env, where);
    case '-':
      return isSet ? value! : interpolateString(arg, env, where);
    case ':?':
      if (!nonEmpty) throw new InterpolationError(`${where}: required variable ${name} is missing a value: ${arg}`);
      return value!;
    case '?':
      if (!isSet) throw new InterpolationError(`${where}: required variable ${name} is missing a value: ${arg}`);
      return value!;
    case ':+':
      return nonEmpty ? interpolateString(arg, env, where) : '';
    case '+':
      return isSet ? interpolateString(arg, env, where) : '';
    default:
      throw new InterpolationError(`${where}: unsupported operator ${op}`);
  }
}

/** Interpolates every string value (not keys), like Compose does before validation. */
export function interpolate(doc: unknown, env: Env, where = ''): any {
  if (typeof doc === 'string') return interpolateString(doc, env, where || '(root)');
  if (Array.isArray(doc)) return doc.map((v, i) => interpolate(v, env, `${where}[${i}]`));
  if (doc && typeof doc === 'object') {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, interpolate(v, env, where ? `${where}.${k}` : k)]));
  }
  return doc;
}

/** Every variable name a document's string values refer to (all branches, `$$` excluded). */
export function referencedVariables(doc: unknown, into = new Set<string>()): Set<string> {
  if (typeof doc === 'string') {
    const unescaped = doc.replace(/\$\$/g, '');
    for (const m of unescaped.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g)) into.add(m[1] ?? m[2]);
  } else if (Array.isArray(doc)) {
    doc.forEach((v) => referencedVariables(v, into));
  } else if (doc && typeof doc === 'object') {
    Object.values(doc).forEach((v) => referencedVariables(v, into));
  }
  return into;
}

/** KEY=VALUE lines of an env file (comments and blank lines skipped, one level of quotes removed). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`env file line is not KEY=VALUE: ${JSON.stringify(raw)}`);
    let value = m[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    env[m[1]] = value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------
// Schema validation

const GO_DURATION = /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PORT_RANGE = '\\d{1,5}(?:-\\d{1,5})?';
const HOST_IP = '(?:\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]+?|[A-Za-z0-9.-]+)';
// [HOST_IP:][HOST_PORT[-RANGE]:]CONTAINER_PORT[-RANGE][/PROTOCOL]
const PORT_SPEC = new RegExp(`^(?:${HOST_IP}:)?(?:(?:${PORT_RANGE})?:)?${PORT_RANGE}(?:/(?:tcp|udp|sctp))?$`);
const EXPOSE_SPEC = new RegExp(`^${PORT_RANGE}(?:/(?:tcp|udp|sctp))?$`);
const portsInRange = (s: string) => (s.replace(/^\[[^\]]*\]/, '').match(/(?<![.\d])\d{1,5}(?![.\d])/g) ?? []).every((p) => Number(p) <= 65535);

let compiled: ValidateFunction | undefined;

/**
 * The vendored schema is draft 2019-09 with draft-04 style `id` members, which Ajv 8
 * rejects, and a `$schema` URI spelled with a trailing '#' that Ajv's 2019 meta-schema id
 * lacks. Both are identity metadata, not constraints, so they are dropped before compiling.
 */
export function loadComposeSchema(): Record<string, unknown> {
  const schema = JSON.parse(readRepoFile('deploy', 'compose-spec.schema.json'));
  delete schema.$schema;
  const strip = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(strip);
    else if (node && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (typeof obj.id === 'string' && (obj.id.startsWith('#') || obj.id.endsWith('.json'))) delete obj.id;
      Object.values(obj).forEach(strip);
    }
  };
  strip(schema);
  return schema;
}

export function composeValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  // Compose's own formats (as compose-go defines them): Go durations, not ISO 8601.
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('ports', { type: 'string', validate: (s: string) => PORT_SPEC.test(s) && portsInRange(s) });
  ajv.addFormat('expose', { type: 'string', validate: (s: string) => EXPOSE_SPEC.test(s) && portsInRange(s) });
  ajv.addFormat('subnet_ip_address', /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/);
  compiled = ajv.compile(loadComposeSchema());
  return compiled;
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return '(no errors)';
  return errors
    .map((e) => {
      const at = e.instancePath || '(root)';
      const extra =
        e.keyword === 'additionalProperties'
          ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
          : e.keyword === 'enum'
            ? `: ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`
            : '';
      return `  ${at}: ${e.message}${extra}  [${e.schemaPath}]`;
    })
    .join('\n');
}

/** Schema problems of an (already interpolated) compose document. */
export function schemaProblems(doc: unknown): string[] {
  const validate = composeValidator();
  return validate(doc) ? [] : [`does not match the Compose Specification schema:\n${formatAjvErrors(validate.errors)}`];
}

// ---------------------------------------------------------------------------------------
// Wiring

/** `environment` as a map, whichever of the two Compose forms it is written in. */
export function environmentOf(service: any): Record<string, string | null> {
  const env = service?.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, null] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? null : String(v)]));
}

/** depends_on as {service: condition}. */
export function dependsOnOf(service: any): Record<string, string> {
  const deps = service?.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d: string) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, (v as { condition?: string })?.condition ?? 'service_started']));
}

/** Container ports a service listens on, from `expose` and the targets of `ports`. */
export function containerPortsOf(service: any): number[] {
  const out: number[] = [];
  for (const e of service?.expose ?? []) out.push(Number(String(e).split('/')[0]));
  for (const p of service?.ports ?? []) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'object') out.push(Number(p.target));
    else out.push(Number(String(p).split('/')[0].split(':').pop()));
  }
  return out;
}

const hostPort = (address: string): { host: string; port: number } | undefined => {
  const m = /^([A-Za-z0-9._-]+):(\d+)$/.exec(address);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
};

const hasHealthcheck = (service: any) => !!service?.healthcheck && !service.healthcheck.disable;
const healthcheckText = (service: any) => [service?.healthcheck?.test ?? []].flat().join(' ');

/** Raw value is exactly one interpolation of a variable, with no literal text around it. */
const PURE_INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}$/;
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|PWD|JWT|TOKEN|API_KEY|PRIVATE_KEY/i;
const RC_CREDENTIALS = ['RC_CLIENT_ID', 'RC_CLIENT_SECRET', 'RC_JWT'];

function imageProblems(name: string, service: any, expectedRepo: string, expectedTag?: RegExp): string[] {
  const image = String(service?.image ?? '');
  const m = /^([^:@]+(?:\/[^:@]+)*)(?::([^@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!m) return [`${name}: image "${image}" is not a valid reference`];
  const [, repo, tag] = m;
  const problems: string[] = [];
  if (repo !== expectedRepo) problems.push(`${name}: image should be ${expectedRepo}, is ${repo}`);
  if (!tag || tag === 'latest') problems.push(`${name}: image ${image} must be pinned to a concrete version`);
  else if (expectedTag && !expectedTag.test(tag)) problems.push(`${name}: image tag ${tag} should match ${expectedTag}`);
  return problems;
}

function postgresProblems(name: string, doc: ComposeDoc): string[] {
  const svc = doc.services?.[name];
  const problems: string[] = [];
  if (!hasHealthcheck(svc) || !/pg_isready/.test(healthcheckText(svc))) problems.push(`${name}: needs a pg_isready healthcheck`);
  const dataMount = (svc?.volumes ?? []).find((v: any) =>
    typeof v === 'string' ? v.split(':')[1] === '/var/lib/postgresql/data' : v?.target === '/var/lib/postgresql/data',
  );
  const source = typeof dataMount === 'string' ? dataMount.split(':')[0] : dataMount?.source;
  if (!source) problems.push(`${name}: /var/lib/postgresql/data must be on a volume`);
  else if (!doc.volumes || !(source in doc.volumes)) problems.push(`${name}: data volume "${source}" must be a named volume declared under top-level volumes`);
  return problems;
}

/**
 * Problems in how the services of an *interpolated* docker-compose.yml fit together.
 * `raw` is the same document before interpolation, used to check that credentials are
 * interpolated or mounted rather than written into the file.
 */
export function wiringProblems(doc: ComposeDoc, raw: ComposeDoc): string[] {
  const p: string[] = [];
  const services = doc.services ?? {};
  for (const name of Object.values(SERVICES)) if (!services[name]) p.push(`service "${name}" is missing`);
  if (p.length) return p;
  const temporal = services[SERVICES.temporal];
  const temporalDb = services[SERVICES.temporalDb];
  const ui = services[SERVICES.temporalUi];
  const warehouse = services[SERVICES.warehouseDb];
  const worker = services[SERVICES.worker];

  // Images
  p.push(...imageProblems(SERVICES.temporal, temporal, 'temporalio/auto-setup', /^\d+\.\d+\.\d+$/));
  p.push(...imageProblems(SERVICES.temporalUi, ui, 'temporalio/ui', /^\d+\.\d+\.\d+$/));
  p.push(...imageProblems(SERVICES.warehouseDb, warehouse, 'postgres', /^15(\.|$|-)/));
  p.push(...imageProblems(SERVICES.temporalDb, temporalDb, 'postgres'));

  // Databases
  p.push(...postgresProblems(SERVICES.warehouseDb, doc), ...postgresProblems(SERVICES.temporalDb, doc));
  const dataVolume = (svc: any) => String((svc.volumes ?? [])[0] ?? '').split(':')[0];
  if (dataVolume(warehouse) && dataVolume(warehouse) === dataVolume(temporalDb)) p.push('warehouse-db and temporal-db must not share a data volume');

  // Temporal server on its own Postgres
  const tEnv = environmentOf(temporal);
  if (tEnv.DB !== 'postgres12') p.push(`temporal: DB should be postgres12, is ${tEnv.DB}`);
  if (tEnv.POSTGRES_SEEDS !== SERVICES.temporalDb) p.push(`temporal: POSTGRES_SEEDS should be "${SERVICES.temporalDb}", is ${tEnv.POSTGRES_SEEDS}`);
  const tdEnv = environmentOf(temporalDb);
  if (tEnv.POSTGRES_USER !== (tdEnv.POSTGRES_USER ?? 'postgres')) p.push('temporal: POSTGRES_USER does not match temporal-db POSTGRES_USER');
  if (tEnv.POSTGRES_PWD !== tdEnv.POSTGRES_PASSWORD) p.push('temporal: POSTGRES_PWD does not match temporal-db POSTGRES_PASSWORD');
  if (!(SERVICES.temporalDb in dependsOnOf(temporal))) p.push('temporal: must depend on temporal-db');
  if (!containerPortsOf(temporal).includes(TEMPORAL_GRPC_PORT)) p.push(`temporal: gRPC port ${TEMPORAL_GRPC_PORT} is neither exposed nor published`);

  // UI -> server
  const uiAddr = hostPort(environmentOf(ui).TEMPORAL_ADDRESS ?? '');
  if (!uiAddr || uiAddr.host !== SERVICES.temporal || uiAddr.port !== TEMPORAL_GRPC_PORT) {
    p.push(`temporal-ui: TEMPORAL_ADDRESS must be ${SERVICES.temporal}:${TEMPORAL_GRPC_PORT}, is ${environmentOf(ui).TEMPORAL_ADDRESS}`);
  }
  if (!containerPortsOf(ui).includes(8080)) p.push('temporal-ui: port 8080 is not published');

  // depends_on conditions must be satisfiable: service_healthy needs a healthcheck.
  for (const [name, svc] of Object.entries<any>(services)) {
    for (const [dep, condition] of Object.entries(dependsOnOf(svc))) {
      if (!services[dep]) p.push(`${name}: depends on unknown service "${dep}"`);
      else if (condition === 'service_healthy' && !hasHealthcheck(services[dep])) p.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
    }
  }

  // Worker
  if (!worker.build) p.push('worker: must be built from the Dockerfile (build:)');
  const dockerfile = typeof worker.build === 'object' ? worker.build.dockerfile ?? 'Dockerfile' : 'Dockerfile';
  if (dockerfile !== 'Dockerfile') p.push(`worker: build.dockerfile should be Dockerfile, is ${dockerfile}`);
  if (!worker.restart || worker.restart === 'no') p.push('worker: needs a restart policy');
  const deps = dependsOnOf(worker);
  if (deps[SERVICES.warehouseDb] !== 'service_healthy') p.push('worker: must depend on warehouse-db with condition service_healthy (migrations run at start-up)');
  if (!deps[SERVICES.temporal]) p.push('worker: must depend on temporal');

  const env = environmentOf(worker);
  const rawEnv = environmentOf(raw.services?.[SERVICES.worker]);
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'RC_SERVER_URL']) {
    if (!env[key]) p.push(`worker: environment must define ${key}`);
  }
  if (env.DATABASE_URL) {
    let url: URL | undefined;
    try {
      url = new URL(env.DATABASE_URL);
    } catch {
      p.push(`worker: DATABASE_URL is not a URL: ${env.DATABASE_URL}`);
    }
    if (url) {
      const wEnv = environmentOf(warehouse);
      if (!/^postgres(ql)?:$/.test(url.protocol)) p.push(`worker: DATABASE_URL must be postgres://, is ${url.protocol}`);
      if (url.hostname !== SERVICES.warehouseDb) p.push(`worker: DATABASE_URL host must be the "${SERVICES.warehouseDb}" service, is "${url.hostname}"`);
      if (Number(url.port || POSTGRES_PORT) !== POSTGRES_PORT) p.push(`worker: DATABASE_URL port must be ${POSTGRES_PORT}, is ${url.port}`);
      if (decodeURIComponent(url.username) !== (wEnv.POSTGRES_USER ?? 'postgres')) p.push('worker: DATABASE_URL user does not match warehouse-db POSTGRES_USER');
      if (decodeURIComponent(url.password) !== wEnv.POSTGRES_PASSWORD) p.push('worker: DATABASE_URL password does not match warehouse-db POSTGRES_PASSWORD');
      if (url.pathname.slice(1) !== (wEnv.POSTGRES_DB ?? wEnv.POSTGRES_USER ?? 'postgres')) p.push('worker: DATABASE_URL database does not match warehouse-db POSTGRES_DB');
    }
    const rawPassword = /^[a-z]+:\/\/[^:]*:([^@]*)@/.exec(rawEnv.DATABASE_URL ?? '')?.[1];
    if (rawPassword !== undefined && !rawPassword.includes('${')) p.push('worker: DATABASE_URL password is written into the file; interpolate it');
  }
  const addr = hostPort(env.TEMPORAL_ADDRESS ?? '');
  if (env.TEMPORAL_ADDRESS && (!addr || addr.host !== SERVICES.temporal || addr.port !== TEMPORAL_GRPC_PORT)) {
    p.push(`worker: TEMPORAL_ADDRESS must be ${SERVICES.temporal}:${TEMPORAL_GRPC_PORT} (the temporal service's gRPC port), is ${env.TEMPORAL_ADDRESS}`);
  }
  if (env.TEMPORAL_NAMESPACE && tEnv.DEFAULT_NAMESPACE && env.TEMPORAL_NAMESPACE !== tEnv.DEFAULT_NAMESPACE) {
    p.push('worker: TEMPORAL_NAMESPACE differs from the namespace auto-setup creates (temporal DEFAULT_NAMESPACE)');
  }
  // RingCentral credentials: interpolated, or from a secret / env_file; never literals.
  const fromElsewhere = !!worker.env_file || (worker.secrets ?? []).length > 0;
  for (const key of RC_CREDENTIALS) {
    if (key in rawEnv) {
      if (!PURE_INTERPOLATION.test(rawEnv[key] ?? '')) p.push(`worker: ${key} must be a \${${key}...} interpolation, not a literal`);
    } else if (!fromElsewhere && !('RC_ACCOUNTS_FILE' in env)) {
      p.push(`worker: ${key} is not wired (no interpolation, env_file or secrets file)`);
    }
  }
  // No service may carry a literal secret.
  for (const [name, svc] of Object.entries<any>(raw.services ?? {})) {
    for (const [key, value] of Object.entries(environmentOf(svc))) {
      if (SECRET_NAME.test(key) && value && !value.includes('${')) p.push(`${name}: ${key} is a literal secret in the compose file`);
    }
  }
  return p;
}

/** The multi-account overlay: RC_ACCOUNTS_FILE must point at a mounted compose secret. */
export function accountsOverlayProblems(overlay: ComposeDoc, raw: ComposeDoc): string[] {
  const p: string[] = [];
  const worker = overlay.services?.[SERVICES.worker];
  if (!worker) return ['overlay: no worker service'];
  const file = environmentOf(worker).RC_ACCOUNTS_FILE;
  const mounts = (worker.secrets ?? []).map((s: any) =>
    typeof s === 'string' ? { source: s, target: `/run/secrets/${s}` } : { source: s.source, target: String(s.target ?? s.source).startsWith('/') ? s.target : `/run/secrets/${s.target ?? s.source}` },
  );
  const mount = mounts.find((m: { target: string }) => m.target === file);
  if (!file) p.push('overlay: worker must set RC_ACCOUNTS_FILE');
  else if (!mount) p.push(`overlay: RC_ACCOUNTS_FILE=${file} is not where any secret is mounted (${mounts.map((m: { target: string }) => m.target).join(', ') || 'none'})`);
  else {
    const decl = overlay.secrets?.[mount.source];
    const rawDecl = raw.secrets?.[mount.source];
    if (!decl) p.push(`overlay: secret "${mount.source}" is not declared under top-level secrets`);
    else if (!decl.file && !decl.external) p.push(`overlay: secret "${mount.source}" needs file: or external:`);
    else if (rawDecl?.file && !String(rawDecl.file).includes('${')) p.push(`overlay: secret "${mount.source}" file path should come from the environment`);
  }
  return p;
}

/** Minimal Compose merge of an override file onto a base (maps merge, sequences append). */
export function mergeCompose(base: any, override: any): any {
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override];
  if (base && override && typeof base === 'object' && typeof override === 'object' && !Array.isArray(base) && !Array.isArray(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in base ? mergeCompose(base[k], v) : v;
    return out;
  }
  return override;
}

// ---------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line) && !current) continue;
    if (/^\s*#/.test(line)) continue; // comment inside a continuation
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, ' ');
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(l);
    if (!m) continue;
    const op = m[1].toUpperCase();
    const rest = m[2].trim();
    if (op === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=');
      args[k] = v;
    } else if (op === 'FROM') {
      const fm = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      const from = (fm?.[1] ?? rest).replace(/\$\{?(\w+)\}?/g, (_, k) => args[k] ?? '');
      stages.push({ from, name: fm?.[2], instructions: [] });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const jsonArray = (s: string): string[] | undefined => {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
};

export function dockerfileProblems(text: string): string[] {
  const p: string[] = [];
  const { stages } = parseDockerfile(text);
  if (stages.length < 2) return ['Dockerfile: must be multi-stage (a build stage and a runtime stage)'];
  for (const s of stages) {
    const base = stages.some((o) => o.name === s.from) ? undefined : s.from;
    if (base && base !== 'node:20-bookworm-slim') p.push(`Dockerfile: stage ${s.name ?? '?'} is based on ${base}, expected node:20-bookworm-slim`);
  }
  const runs = (s: Stage) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
  const build = stages.find((s) => /npm run build/.test(runs(s)));
  if (!build) p.push('Dockerfile: no stage runs `npm run build`');
  else if (!/npm ci(?![^\n&;]*--omit=dev)/.test(runs(build))) p.push('Dockerfile: the build stage must install with `npm ci` (dev dependencies included)');

  const runtime = stages[stages.length - 1];
  if (runtime === build) p.push('Dockerfile: the final stage must not be the build stage');
  const copies = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
  const copyFrom = (stage: string | undefined, what: RegExp) => copies.some((c) => stage && c.includes(`--from=${stage}`) && what.test(c));
  if (!copyFrom(build?.name, /\bdist\b/)) p.push('Dockerfile: runtime stage must copy dist from the build stage');
  if (!copyFrom(build?.name, /migrations/)) p.push('Dockerfile: runtime stage must copy the SQL migrations (tsc does not emit them)');
  const prodDeps = stages.find((s) => /npm ci[^\n]*--omit=dev/.test(runs(s)));
  const nodeModulesFromProd = prodDeps && (prodDeps === runtime ? /npm ci[^\n]*--omit=dev/.test(runs(runtime)) : copyFrom(prodDeps.name, /node_modules/));
  if (!nodeModulesFromProd) p.push('Dockerfile: runtime node_modules must come from `npm ci --omit=dev`');

  const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0].trim());
  const user = users[users.length - 1];
  if (!user) p.push('Dockerfile: runtime stage must switch to a non-root USER');
  else if (user === 'root' || user === '0') p.push(`Dockerfile: runtime USER must not be root (is ${user})`);
  const last = (op: string) => runtime.instructions.filter((i) => i.op === op).pop()?.args;
  const entry = jsonArray(last('ENTRYPOINT') ?? '');
  if (!entry || entry[0] !== 'node' || entry[1] !== 'dist/src/client/main.js') {
    p.push(`Dockerfile: ENTRYPOINT must be ["node","dist/src/client/main.js"] (exec form), is ${last('ENTRYPOINT')}`);
  }
  const cmd = jsonArray(last('CMD') ?? '');
  if (!cmd || cmd.join(' ') !== 'worker') p.push(`Dockerfile: CMD must be ["worker"], is ${last('CMD')}`);
  return p;
}

export function dockerignoreProblems(text: string): string[] {
  const lines = new Set(text.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')));
  return ['node_modules', 'dist', '.git', '.env'].filter((x) => !lines.has(x)).map((x) => `.dockerignore: must exclude ${x}`);
}
