/**
 * What one input of a step costs in time and gives downstream: its `expected` declaration, else what a
 * local run measured (`--from-run`), else the defaults below, each default recorded as an assumption.
 */
import { durationMs } from '../model/duration.js';
import { sizeBytes, type ExpectedStep } from '../model/expected.js';
import type { AnyNode } from '../model/node.js';

/** What one input (a function's record, a job's run) of a step takes and gives. */
export interface StepExpectation {
  /** Billed milliseconds per input. */
  durationMs: number;
  /** Outputs per input to each downstream bucket, queue or topic. */
  outputsPerInput: number;
  /** Emails per input to each downstream notify node (`ctx.notify`): declared, else none. */
  emailsPerInput: number;
  /** Average output size in bytes; undefined: the input's. */
  outputBytes: number | undefined;
  tableReads: number;
  tableWrites: number;
  /** Log bytes per input, beyond Lambda's own lines. */
  logBytes: number;
  /** Where the duration comes from, for people: `declared`, `measured`, `default`. */
  durationFrom: 'declared' | 'measured' | 'default';
}

/** What a local run measured of a step (`--from-run`). */
export interface MeasuredStep {
  durationMs: number;
  outputsPerInput: number;
  outputBytes?: number;
}

/** The defaults of a step without declaration or measurement. */
export const STEP_DEFAULTS = {
  fnDurationMs: 100,
  jobDurationMs: 60_000,
  outputsPerInput: 1,
  logBytes: 1024,
} as const;

/** A step's expectation: declared fields win, then measured ones, then defaults. */
export function stepExpectation(node: AnyNode, measured: MeasuredStep | undefined): StepExpectation {
  const e = ((node.props as { expected?: ExpectedStep }).expected ?? {}) as ExpectedStep;
  const declared = e.duration !== undefined ? durationMs(e.duration) : undefined;
  const fallbackMs = node.kind === 'fn' ? STEP_DEFAULTS.fnDurationMs : STEP_DEFAULTS.jobDurationMs;
  return {
    durationMs: declared ?? measured?.durationMs ?? fallbackMs,
    durationFrom: declared !== undefined ? 'declared' : measured ? 'measured' : 'default',
    outputsPerInput: e.outputsPerInput ?? measured?.outputsPerInput ?? STEP_DEFAULTS.outputsPerInput,
    emailsPerInput: e.emailsPerInput ?? 0,
    outputBytes: e.size !== undefined ? sizeBytes(e.size) : measured?.outputBytes,
    tableReads: e.tableReads ?? 0,
    tableWrites: e.tableWrites ?? 0,
    logBytes: e.logSize !== undefined ? sizeBytes(e.logSize) ?? STEP_DEFAULTS.logBytes : STEP_DEFAULTS.logBytes,
  };
}
