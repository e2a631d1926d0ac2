/**
 * Errors of synthesis that are not pipeline problems: a handler that does not bundle, a pipeline that
 * does not fit CloudFormation's limits even when split. Pipeline problems (names too long, filters AWS
 * rejects) are `PipelineValidationError`s, like the model's own.
 */
import { SluiceError, type ErrorCode, type ErrorDetails } from '../../model/errors.js';

/** Synthesis failed for a reason other than an invalid pipeline; `node` names the node when there is one. */
export class SynthError extends SluiceError {
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}
