/**
 * Factories for driving the step adapter (`invokeHandler`) directly, without an engine: bindings, an
 * in-memory I/O that records reads, a component that records its inputs, and the AWS sample events.
 */
import { readFileSync } from 'node:fs';
import { component } from 'sluice/runtime';
import type { StepBindings } from '../../src/runtime/bindings.js';
import type { StepIo } from '../../src/runtime/context.js';
import type { ResolvedHandler } from '../../src/runtime/invoke.js';
import type { StepFunction, StepInput } from '../../src/runtime/types.js';

/** A step's bindings with nothing downstream; override what a test needs. */
export function stepBindings(overrides: Partial<StepBindings> = {}): StepBindings {
  return { pipeline: 'sample', stage: 'local', node: 'step', environment: {}, buckets: [], queues: [], topics: [], readableBuckets: [], tablesRead: [], tablesWritten: [], tablesDeleted: [], ...overrides };
}

/** Step I/O whose objects hold `<bucket>/<key>` as text; every read is recorded. */
export function recordingIo(): StepIo & { reads: Array<[string, string]> } {
  const reads: Array<[string, string]> = [];
  return {
    reads,
    readObject: async (bucket, key) => {
      reads.push([bucket, key]);
      return Buffer.from(`${bucket}/${key}`);
    },
    table: () => {
      throw new Error('no tables in this test');
    },
  };
}

/** A component that records every input it gets, then runs `then` (if given) for its outputs. */
export function recordingComponent(then?: StepFunction): { handler: ResolvedHandler; inputs: StepInput[] } {
  const inputs: StepInput[] = [];
  const descriptor = component(async (input, ctx) => {
    inputs.push(input);
    return then?.(input, ctx);
  });
  return { handler: { kind: 'descriptor', descriptor }, inputs };
}

/** One of the AWS documentation sample events in `test/fixtures/events/`, freshly parsed. */
export function sampleEvent(name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/${name}.json`, import.meta.url), 'utf8'));
}
