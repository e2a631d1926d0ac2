/**
 * The error of a deployed function whose environment cannot be read (`SLUICE_BINDINGS`,
 * `SLUICE_STEP_CONFIG`, ...): its own module, so the package entry can export it without loading the
 * Lambda runtime.
 */
import { InputError, type ErrorCode } from '../../model/errors.js';

/** A variable of a deployed function's environment that cannot be read. */
export class EnvironmentError extends InputError {
  /** The variables at fault (the first is also `field`). */
  readonly variables: string[];
  /** Every problem's code, the first being the error's own `code`. */
  readonly codes: ErrorCode[];
  constructor(codes: ErrorCode[], message: string, node: string, variables: string[]) {
    super(codes[0]!, message, { node, field: variables[0] });
    this.variables = variables;
    this.codes = codes;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), variables: this.variables, codes: this.codes };
  }
}
