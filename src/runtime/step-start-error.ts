/**
 * The error of a step that could not start: a secret it references cannot be read, or its config
 * fails its schema. Its own module, so the package entry can export it without loading the runtime.
 */
import { InputError, type ErrorCode } from '../model/errors.js';

/** A step that could not start: a secret or config key is missing, or a value has the wrong type. */
export class StepStartError extends InputError {
  /** The config key or secret path at fault (also `field`). */
  readonly key: string | undefined;
  constructor(code: ErrorCode, message: string, node: string, key?: string) {
    super(code, message, { node, ...(key !== undefined ? { field: key } : {}) });
    this.key = key;
  }
}
