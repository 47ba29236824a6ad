/**
 * Reads one message-store export archive: a ZIP whose entries `<extensionId>/messages.json`
 * each hold one mailbox's messages as the message-store list serves them (the spec leaves the
 * inner layout open; this is the layout served). The archive arrives as one download; its
 * entries are inflated and parsed one at a time, so beyond the archive itself memory holds one
 * mailbox's messages.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';

export interface MailboxFile {
  extensionId: number;
  records: Record<string, unknown>[];
}

const MAILBOX_FILE = /^(\d{1,18})\/messages\.json$/;

/** The archive's mailboxes in entry order; `bad` makes the malformed-archive error (never with record data in it). */
export async function* mailboxFiles(zip: Buffer, key: string, bad: (what: string) => Error): AsyncGenerator<MailboxFile> {
  const archive = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(bad(`not a ZIP archive (${err.message})`)) : resolve(z))),
  );
  try {
    for (let entry = await nextEntry(archive, bad); entry; entry = await nextEntry(archive, bad)) {
      if (entry.fileName.endsWith('/')) continue; // a folder entry
      const name = MAILBOX_FILE.exec(entry.fileName);
      if (!name) throw bad(`unexpected entry "${entry.fileName.slice(0, 80)}"`);
      const records = parseRecords(await entryText(archive, entry, bad), key);
      if (!records) throw bad(`${entry.fileName}: not an array of records with "${key}"`);
      yield { extensionId: Number(name[1]), records };
    }
  } finally {
    archive.close();
  }
}

function parseRecords(text: string, key: string): Record<string, unknown>[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.some((r) => !r || typeof r !== 'object' || (r as Record<string, unknown>)[key] === undefined)) return undefined;
  return parsed as Record<string, unknown>[];
}

function nextEntry(archive: ZipFile, bad: (what: string) => Error): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (fn: () => void) => () => {
      archive.off('entry', onEntry).off('end', onEnd).off('error', onError);
      fn();
    };
    const onEntry = (entry: Entry) => settle(() => resolve(entry))();
    const onEnd = settle(() => resolve(undefined));
    const onError = (err: Error) => settle(() => reject(bad(err.message)))();
    archive.on('entry', onEntry).on('end', onEnd).on('error', onError);
    archive.readEntry();
  });
}

function entryText(archive: ZipFile, entry: Entry, bad: (what: string) => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    archive.openReadStream(entry, (err, stream) => {
      if (err) return reject(bad(`${entry.fileName}: ${err.message}`));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => reject(bad(`${entry.fileName}: ${e.message}`)));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  });
}
