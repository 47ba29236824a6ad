/**
 * Payload encryption keys, from RCSYNC_ENCRYPTION_KEYS or the file RCSYNC_ENCRYPTION_KEYS_FILE
 * names (the same text, for container secrets): `id=base64key,id=base64key`, each key 32
 * random bytes (`openssl rand -base64 32`). The FIRST key encrypts; every listed key
 * decrypts, so rotation is: put the new key first, keep the old ones until no history
 * that needs them is retained.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';

export interface EncryptionKeys {
  writeKeyId: string;
  keys: Map<string, Buffer>;
}

// Short, so a bare base64 key (44 characters, often ending in "=") is never taken for an id.
const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

export function encryptionKeys(env: NodeJS.ProcessEnv = process.env): EncryptionKeys | undefined {
  let text = env.RCSYNC_ENCRYPTION_KEYS;
  if (env.RCSYNC_ENCRYPTION_KEYS_FILE) {
    if (text) throw new ConfigError('Set RCSYNC_ENCRYPTION_KEYS or RCSYNC_ENCRYPTION_KEYS_FILE, not both.');
    try {
      text = readFileSync(env.RCSYNC_ENCRYPTION_KEYS_FILE, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`RCSYNC_ENCRYPTION_KEYS_FILE (${env.RCSYNC_ENCRYPTION_KEYS_FILE}) ${code === 'ENOENT' ? 'not found' : `is not readable (${code})`}: point it at a file of id=base64key entries.`);
    }
  }
  if (text === undefined || text.trim() === '') return undefined;
  const keys = new Map<string, Buffer>();
  for (const entry of text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq) : '';
    // Never echo the key material itself, only its position and id.
    // Errors name the entry's position, never its text: a malformed entry may be key material.
    const position = `Encryption key #${keys.size + 1}`;
    if (!KEY_ID.test(id)) throw new ConfigError(`${position} needs the form id=base64key (id: up to 32 letters, digits, . _ -).`);
    const key = Buffer.from(entry.slice(eq + 1), 'base64');
    if (key.length !== 32) throw new ConfigError(`${position} is ${key.length} bytes, AES-256 needs 32: make one with \`openssl rand -base64 32\`.`);
    if (keys.has(id)) throw new ConfigError(`${position} repeats an id that appears earlier.`);
    keys.set(id, key);
  }
  return { writeKeyId: keys.keys().next().value!, keys };
}
