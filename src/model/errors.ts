import type { ErrorCode } from './error-codes.js';

export type { ErrorCode };

/**
 * The typed error hierarchy of sluice. Every error a user can cause carries a stable code
 * (`SLUICE_E_*`, part of the public API) and the data needed to act on it, so the CLI can print it
 * for people and, with `--json`, for programs.
 */

/** One thing wrong with a pipeline, named by node and field, with the fix. */
export interface Problem {
  /** Stable code, e.g. `SLUICE_E_QUEUE_VISIBILITY` (docs/errors.md lists them all). */
  code: ErrorCode;
  /** The node's name, or the pipeline's name for pipeline-wide problems. */
  node: string;
  /** The offending field or edge, when there is one. */
  field?: string;
  /** The value given, when the problem is about one. */
  given?: unknown;
  /** What was expected instead (a range, a pattern, a list of choices). */
  expected?: string;
  /** Sentence-case message: what is wrong, `(given X)`, then what to do. */
  message: string;
}

/** What an error is about, as data: the node, the field, the value given and what was expected. */
export interface ErrorDetails {
  /** The node (or pipeline, for pipeline-wide errors) at fault. */
  node?: string;
  /** The field, option, key or variable at fault. */
  field?: string;
  /** The value given. */
  given?: unknown;
  /** What was expected instead. */
  expected?: string;
}

/** Base class of every error sluice raises on purpose. */
export class SluiceError extends Error {
  /** The stable code (docs/errors.md): what happened, whatever the message's wording. */
  readonly code: ErrorCode;
  readonly node: string | undefined;
  readonly field: string | undefined;
  readonly given: unknown;
  readonly expected: string | undefined;
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.node = details.node;
    this.field = details.field;
    this.given = details.given;
    this.expected = details.expected;
  }
  /** The error as plain data, for `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      error: this.name, code: this.code, message: this.message,
      ...(this.node !== undefined ? { node: this.node } : {}),
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.given !== undefined ? { given: this.given } : {}),
      ...(this.expected !== undefined ? { expected: this.expected } : {}),
    };
  }
}

/** A pipeline that cannot run or deploy; lists every problem found, not just the first. */
export class PipelineValidationError extends SluiceError {
  readonly problems: Problem[];
  readonly pipeline: string;
  constructor(pipeline: string, problems: Problem[]) {
    super(
      'SLUICE_E_PIPELINE_INVALID',
      `pipeline '${pipeline}' has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.message} [${p.code}]`).join('\n'),
    );
    this.pipeline = pipeline;
    this.problems = problems;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), pipeline: this.pipeline, problems: this.problems };
  }
}

/** A handler touched a resource it has no edge to (the local engine enforces the grants AWS would). */
export class PermissionDeniedError extends SluiceError {
  /** The use it lacks (`read`, `write`, `send`, `publish`), as `expected`; the resource as `field`. */
  constructor(message: string, details: ErrorDetails = {}) {
    super('SLUICE_E_PERMISSION', message, details);
  }
}

/** Bad input at run time: an unknown bucket, an oversized message, an unreadable file. */
export class InputError extends SluiceError {}

/**
 * A broken invariant inside sluice: never the user's doing. The CLI prints it with its stack and asks
 * for a report; everything a user can cause has a code of its own.
 */
export class InternalError extends SluiceError {
  constructor(message: string) {
    super('SLUICE_E_INTERNAL', `${message}; this is a bug in sluice, please report it with the command you ran`);
  }
}
