/**
 * Errors of synthesis that are not pipeline problems: a handler that does not bundle, a pipeline that
 * does not fit CloudFormation's limits even when split. Pipeline problems (names too long, filters AWS
 * rejects) are `PipelineValidationError`s, like the model's own.
 */
import { SluiceError } from '../../model/errors.js';

/** Synthesis failed for a reason other than an invalid pipeline; `node` names the node when there is one. */
export class SynthError extends SluiceError {
  readonly node: string | undefined;
  constructor(code: string, message: string, data: { node?: string } = {}) {
    super(code, message);
    this.node = data.node;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.node ? { node: this.node } : {}) };
  }
}
