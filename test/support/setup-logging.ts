// Quiet worker logs in tests (RCSYNC_LOG_LEVEL=INFO brings them back).
import { installLogging } from '../../src/infra/logging';

try {
  installLogging('ERROR');
} catch {
  // Already installed in this process.
}
