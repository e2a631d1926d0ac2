/**
 * The error for a delivery a kind does not take: a valid pipeline never makes one (its edges only
 * deliver what their targets take), so it is a bug in sluice, not a user's mistake.
 */
import { InternalError } from '../../model/errors.js';
import type { Notice, RuntimeBase } from '../kind.js';

export function unexpectedNotice(rt: RuntimeBase, notice: Notice): InternalError {
  return new InternalError(`${rt.node} cannot take a '${notice.type}' delivery`);
}
