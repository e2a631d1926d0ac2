/**
 * Errors of deltas a user can cause: key columns a table does not have, a `--fail-on` rule that does
 * not parse. A file that does not parse as its format is not an error: the report names it.
 */
import { InputError, type ErrorCode, type ErrorDetails } from '../../model/errors.js';

/** A deltas run or its options cannot be carried out as asked; the message says how to fix it. */
export class DeltasError extends InputError {
  constructor(code: ErrorCode & `SLUICE_E_DELTAS_${string}`, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}
