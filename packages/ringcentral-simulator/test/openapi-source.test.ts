// Which spec the contract tests validate against: the official file found relative to the
// repository, the vendored subset otherwise, and never the subset when CI demands the full one.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, extractFromSpec, loadSubset, specPath } from './openapi';

const FIXTURE = path.join(__dirname, '..', 'spec', 'rc-openapi-subset.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-spec-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('OpenAPI spec source', () => {
  it('looks in ../shared/ringcentral/ beside the repository root, wherever the repository is', () => {
    expect(path.relative(REPO_ROOT, specPath({}))).toBe(path.join('..', 'shared', 'ringcentral', 'ringcentral-openapi3-v1.0.46.json'));
    expect(fs.existsSync(path.join(REPO_ROOT, 'packages', 'ringcentral-simulator', 'package.json'))).toBe(true);
    const elsewhere = path.join(tmp, 'checkout');
    expect(specPath({}, elsewhere)).toBe(path.join(tmp, 'shared', 'ringcentral', 'ringcentral-openapi3-v1.0.46.json'));
    expect(specPath({ RC_OPENAPI_SPEC: '/x/spec.json' }, elsewhere)).toBe('/x/spec.json');
  });

  it('reads the full spec when it is there (a copy placed beside another checkout)', () => {
    const full = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    // A minimal "full spec" carrying exactly the fixture's schemas, so extraction is checked too.
    const P = '/restapi/v1.0/account/{accountId}';
    const res = (code: string, schema: unknown) => ({ responses: { [code]: { content: { 'application/json': { schema } } } } });
    const spec = {
      info: { version: full.specVersion },
      paths: {
        '/restapi': { get: res('200', full.apiVersions) },
        [`${P}/call-log`]: { get: res('default', full.callLog) },
        [`${P}/extension`]: { get: res('default', full.extensionList) },
        [`${P}/extension/{extensionId}/message-store`]: { get: res('200', full.messageStore) },
        [`${P}/extension/{extensionId}/message-sync`]: { get: res('default', full.messageSync) },
        [`${P}/directory/entries`]: { get: res('200', full.directory) },
        [`${P}/call-log-sync`]: { get: res('200', full.callLogSync) },
        [`${P}/message-store-report`]: { post: res('202', full.messageStoreReportCreate) },
        [`${P}/message-store-report/{taskId}`]: { get: res('200', full.messageStoreReportTask) },
        [`${P}/message-store-report/{taskId}/archive`]: { get: res('200', full.messageStoreReportArchive) },
      },
      components: {
        schemas: {
          ErrorResponse: full.ErrorResponse, ErrorEntity: full.ErrorEntity, SubscriptionInfo: full.SubscriptionInfo,
          CreateSubscriptionRequest: full.CreateSubscriptionRequest, MessageEvent: full.MessageEvent, TelephonySessionsEventBody: full.TelephonySessionsEventBody,
        },
      },
    };
    fs.mkdirSync(path.join(tmp, 'shared', 'ringcentral'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'shared', 'ringcentral', 'ringcentral-openapi3-v1.0.46.json'), JSON.stringify(spec));
    const got = loadSubset({}, path.join(tmp, 'checkout'));
    expect(got).toMatchObject({ full: true, source: path.join(tmp, 'shared', 'ringcentral', 'ringcentral-openapi3-v1.0.46.json') });
    expect(got.schemas).toEqual(extractFromSpec(spec));
    expect(got.schemas).toEqual(full);
  });

  it.runIf(fs.existsSync(specPath()))('the vendored subset is what the official spec gives today (regenerated, not hand-edited)', () => {
    expect(JSON.parse(fs.readFileSync(FIXTURE, 'utf8'))).toEqual(extractFromSpec(JSON.parse(fs.readFileSync(specPath(), 'utf8'))));
  });

  it('falls back to the vendored subset, unless RC_OPENAPI_REQUIRE_FULL=1 (CI) makes that an error', () => {
    const nowhere = path.join(tmp, 'deep', 'nowhere', 'checkout');
    expect(loadSubset({}, nowhere)).toMatchObject({ full: false, source: FIXTURE });
    expect(() => loadSubset({ RC_OPENAPI_REQUIRE_FULL: '1' }, nowhere)).toThrow(/official spec is missing.*RC_OPENAPI_SPEC/);
  });

  it('CI (.ci/run) demands the full spec', () => {
    const ci = fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^export RC_OPENAPI_REQUIRE_FULL=1$/m);
  });
});
