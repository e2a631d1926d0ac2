/**
 * Data commands on an AWS stage (`put`, `ls`, `cat`, `send`, `dlq list|redrive`), over the stage's
 * deployed stack.
 * @example const stage = await RemoteStage.open(pipe, 'dev'); await stage.put('raw', [{ key: 'a.csv', body }]);
 */
export { RemoteStage, type RemoteObject, type RemoteDeadLetter, type Attributes } from './stage.js';
