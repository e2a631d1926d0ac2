/** What the row tests import: the engine and the shape of its errors. */
export { bucketDeltas } from '../../../src/branch/deltas/index.js';
/** A thrown SluiceError, as the tests check it. */
export interface SluiceErrorLike { code: string; message: string }
