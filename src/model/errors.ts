/**
 * The typed error hierarchy of sluice. Every error a user can cause carries a stable code
 * (`SLUICE_E_*`, part of the public API) and the data needed to act on it, so the CLI can print it
 * for people and, with `--json`, for programs.
 */

/** One thing wrong with a pipeline, named by node and field, with the fix. */
export interface Problem {
  /** Stable code, e.g. `SLUICE_E_QUEUE_VISIBILITY`. */
  code: string;
  /** The node's name, or the pipeline's name for pipeline-wide problems. */
  node: string;
  /** The offending field or edge, when there is one. */
  field?: string;
  /** Sentence-case message: what is wrong, `(given X)`, then what to do. */
  message: string;
}

/** Base class of every error sluice raises on purpose. */
export class SluiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
  /** The error as plain data, for `--json` output. */
  toJSON(): Record<string, unknown> {
    return { error: this.name, code: this.code, message: this.message };
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
  constructor(message: string) {
    super('SLUICE_E_PERMISSION', message);
  }
}

/** Bad input at run time: an unknown bucket, an oversized message, an unreadable file. */
export class InputError extends SluiceError {}
