/**
 * The error of branch commands: a branch that cannot be planned, deployed, triggered or compared as
 * asked (an unknown node, a name that is taken or AWS would refuse, a step out of order).
 */
import { SluiceError, type ErrorDetails } from '../model/errors.js';
import type { ErrorCode } from '../model/error-codes.js';

/** A branch command given something it cannot do; `code` says which rule, `node` the node or branch. */
export class BranchError extends SluiceError {
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}
