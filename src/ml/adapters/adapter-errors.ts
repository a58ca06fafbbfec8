import { HttpStatus } from '@nestjs/common';
import { AppError } from '../../platform/errors/app-error';

/** The adapter's runtime (interpreter or modules) is missing on this machine: 503 with what to install. */
export class AdapterUnavailableError extends AppError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  readonly code = 'ADAPTER_UNAVAILABLE';

  /** `tried`: the Python interpreters probed, each with what it lacked. */
  constructor(adapter: string, missing: string[], hint: string, tried?: string[]) {
    super(`The ${adapter} adapter cannot run here: missing ${missing.join(', ')}; ${hint}`, { adapter, missing, hint, ...(tried ? { tried } : {}) });
  }
}
