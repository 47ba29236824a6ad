/** The message-store export's archives: where the token may go, and what is not an archive. */
import { describe, expect, it } from 'vitest';
import { archiveUris } from '../../src/activities/message-export';
import { mailboxFiles } from '../../src/streams/export-archive';

const SERVER = 'https://platform.ringcentral.com';
const list = (...uris: unknown[]) => ({ records: uris.map((uri) => ({ size: 1, uri })) });

describe('export archive addresses', () => {
  it('the API origin and, over https, hosts of its site; relative ones resolve against the API', () => {
    expect(archiveUris(list(`${SERVER}/restapi/v1.0/a/1`, 'https://media.ringcentral.com/a/2', '/restapi/v1.0/a/3'), 'p', SERVER)).toEqual([
      `${SERVER}/restapi/v1.0/a/1`,
      'https://media.ringcentral.com/a/2',
      `${SERVER}/restapi/v1.0/a/3`,
    ]);
  });

  it('never another site, nor plain http to a sibling host: the token would go there', () => {
    expect(() => archiveUris(list('https://evil.example.com/a/1'), 'p', SERVER)).toThrow(/not from https:\/\/platform.ringcentral.com's site/);
    expect(() => archiveUris(list('http://media.ringcentral.com/a/1'), 'p', SERVER)).toThrow(/token is not sent there/);
  });

  it('a list without uris is a malformed response', () => {
    expect(() => archiveUris({ records: [{ size: 1 }] }, 'p', SERVER)).toThrow(/no records with a uri/);
    expect(() => archiveUris({}, 'p', SERVER)).toThrow(/no records with a uri/);
  });
});

describe('export archive content', () => {
  it('bytes that are not a ZIP are a malformed archive, named without their content', async () => {
    const read = async () => {
      for await (const _ of mailboxFiles(Buffer.from('{"records":[]}'), 'id', (what) => new Error(`bad archive: ${what}`))) void _;
    };
    await expect(read()).rejects.toThrow(/^bad archive: not a ZIP archive/);
  });
});
