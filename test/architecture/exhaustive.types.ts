/**
 * Compile-time proof that every backend's registry must handle every kind: each assignment below
 * leaves one kind out and must fail to type-check. `npm run typecheck` (and CI) checks this file; if a
 * registry's type stopped being exhaustive, its `@ts-expect-error` would be unused, which is itself an
 * error. Not run by the test runner: it has no tests, only types.
 */
import type { Kind } from '../../src/model/node.js';
import type { KindDefinition } from '../../src/model/kind.js';
import type { NodeOfKind } from '../../src/model/pipeline.js';
import { KIND_ENGINE, type EngineRegistry } from '../../src/engine/registry.js';
import { KIND_SYNTH, type KindRegistry } from '../../src/cloud/synth/registry.js';
import { KIND_AWS, type AwsRegistry } from '../../src/stage/aws/registry.js';
import { KINDS } from '../../src/model/kinds.js';
import { KIND_COST, type CostRegistry } from '../../src/cost/registry.js';

const { schedule: _engineSchedule, ...engineWithoutSchedule } = KIND_ENGINE;
// @ts-expect-error the engine registry needs a module for 'schedule'
export const engine: EngineRegistry = engineWithoutSchedule;

const { table: _synthTable, ...synthWithoutTable } = KIND_SYNTH;
// @ts-expect-error synth needs a module for 'table'
export const synth: KindRegistry = synthWithoutTable;

const { topic: _awsTopic, ...awsWithoutTopic } = KIND_AWS;
// @ts-expect-error the AWS stage needs a module for 'topic'
export const aws: AwsRegistry = awsWithoutTopic;

const { fn: _modelFn, ...modelWithoutFn } = KINDS;
// @ts-expect-error the model needs a definition for 'fn'
export const model: { readonly [K in Kind]: KindDefinition<NodeOfKind[K]> } = modelWithoutFn;

const { queue: _costQueue, ...costWithoutQueue } = KIND_COST;
// @ts-expect-error the cost registry needs a module for 'queue'
export const cost: CostRegistry = costWithoutQueue;
const { comprehend: _synthComprehend, ...synthWithoutComprehend } = KIND_SYNTH;
// @ts-expect-error synth needs a module for 'comprehend', even though it deploys nothing
export const synthNoComprehend: KindRegistry = synthWithoutComprehend;

const { notify: _awsNotify, ...awsWithoutNotify } = KIND_AWS;
// @ts-expect-error the AWS stage needs a module for 'notify', even though no data command uses it
export const awsNoNotify: AwsRegistry = awsWithoutNotify;
