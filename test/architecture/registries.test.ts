/**
 * The kind registries agree: every kind the model defines has exactly one module in each backend (the
 * engine, synth, the AWS stage, the cost estimate), and the model's facts are consistent with themselves (an edge
 * delivers into a part its target has; dead letters and bindings name parts of their own kind).
 * exhaustive.types.ts proves the same at compile time: a backend missing a kind does not build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KINDS, definitionOf } from '../../src/model/kinds.js';
import type { Kind } from '../../src/model/node.js';
import { KIND_ENGINE } from '../../src/engine/registry.js';
import { KIND_SYNTH } from '../../src/cloud/synth/registry.js';
import { KIND_AWS } from '../../src/stage/aws/registry.js';
import { KIND_COST } from '../../src/cost/registry.js';

const kinds = Object.keys(KINDS).sort();

test('every backend (and the cost estimate) has one module for each kind of the model, and none for kinds it does not have', () => {
  assert.deepEqual(Object.keys(KIND_ENGINE).sort(), kinds);
  assert.deepEqual(Object.keys(KIND_SYNTH).sort(), kinds);
  assert.deepEqual(Object.keys(KIND_AWS).sort(), kinds);
  assert.deepEqual(Object.keys(KIND_COST).sort(), kinds);
});

test("each kind's facts name parts it has: dead letters, bindings, and the parts edges deliver into", () => {
  for (const kind of kinds as Kind[]) {
    const def = definitionOf(kind);
    const parts = Object.keys(def.parts);
    // A service a step calls (comprehend) deploys nothing: then it holds nothing either, and its binding names no part.
    if (parts.length === 0) assert.ok(def.deadLetters === null && def.data.ops.length === 0 && def.binding?.part === null, `${kind} has no parts, so it holds no data and its binding names no part`);
    if (def.deadLetters) assert.ok(parts.includes(def.deadLetters.part) && parts.includes(def.deadLetters.redriveTo), `${kind}'s dead letters name its parts`);
    if (def.binding?.part) assert.ok(parts.includes(def.binding.part), `${kind}'s binding names one of its parts`);
    for (const [target, edge] of Object.entries(def.outgoing)) {
      if (edge?.delivery) assert.ok(Object.keys(definitionOf(target as Kind).parts).includes(edge.delivery.into), `${kind} -> ${target} delivers into a part ${target} has`);
      if (edge?.invokes) assert.ok(definitionOf(target as Kind).data.ops.includes('invoke'), `${kind} -> ${target} invokes something that runs`);
    }
    assert.equal(def.kind, kind);
  }
});

test('a kind with dead letters has an engine module that keeps them and an AWS module that redrives them', () => {
  for (const kind of kinds as Kind[]) {
    const has = definitionOf(kind).deadLetters !== null;
    assert.equal(KIND_ENGINE[kind].deadLetters !== null, has, `engine ${kind}`);
    assert.equal(KIND_AWS[kind].redrive !== null, has, `aws ${kind}`);
  }
});
