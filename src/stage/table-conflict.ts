/** The one error both stages raise when an atomic table write's checks fail: the table changed meanwhile. */
import { InputError } from '../model/errors.js';

/**
 * A table changed between a command's read and its atomic write (an item it expected is gone, or one it
 * would add appeared): nothing was written.
 * @example throw tableConflict('fang', ['{"name":"apple"} does not exist'])
 */
export function tableConflict(table: string, failed: string[]): InputError {
  return new InputError('SLUICE_E_TABLE_ITEMS_CONFLICT', `table '${table}' changed while it was being written: ${failed.join('; ')}; nothing was changed, run the command again`, { node: table });
}
