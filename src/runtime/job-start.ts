/**
 * Starting a job: its config for the stage with `secret('/path')` values read (through the runtime's
 * secrets source: SSM on Lambda, the secrets file locally) and the secret guard built on them, exactly
 * as a step starts (config.ts), once per runtime. The local engine and the Lambda adapter both call it.
 */
import { InternalError } from '../model/errors.js';
import { startStep, type StartedStep } from './config.js';
import { component } from './handler.js';
import type { StepBindings } from './bindings.js';
import type { StepIo } from './context.js';
import type { HandlerDescriptor } from './types.js';
import type { JobHandler } from './job.js';

// startStep works on a step descriptor; a job has no step options, so one empty descriptor per job
// handler stands in (it is also startStep's cache key: a job starts once per runtime).
const descriptors = new WeakMap<JobHandler, HandlerDescriptor>();

/**
 * A job's config with its secrets read, and the guard that redacts them from logs and errors.
 * @example const { config, guard } = await startJob(handler, bindings, ssmSecrets(clients.ssm, 'clean'));
 */
export async function startJob(handler: JobHandler, bindings: StepBindings, secrets?: StepIo['secrets']): Promise<StartedStep> {
  let descriptor = descriptors.get(handler);
  if (!descriptor) descriptors.set(handler, (descriptor = component(() => [])));
  const io: StepIo = {
    ...(secrets ? { secrets } : {}),
    readObject: () => Promise.reject(new InternalError('a job reads objects through its JobIo, not StepIo.readObject')),
    table: () => {
      throw new InternalError('a job has no tables');
    },
  };
  return startStep(descriptor, bindings, io);
}
