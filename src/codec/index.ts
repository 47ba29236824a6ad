/** The data converter every Temporal connection of ours uses: encryption when keys are configured. */
import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';
import { encryptionKeys } from './keys';

export { AesGcmCodec, ENCRYPTED_ENCODING } from './aes-gcm-codec';
export { encryptionKeys, type EncryptionKeys } from './keys';

/** undefined (Temporal's default converter) when RCSYNC_ENCRYPTION_KEYS(_FILE) is not set. */
export function dataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keys = encryptionKeys(env);
  return keys ? { payloadCodecs: [new AesGcmCodec(keys)] } : undefined;
}
