/**
 * A deployed step's secrets: the `secret('/path')` values of its config, read from SSM Parameter
 * Store when the step starts (GetParameters with decryption, so SecureString parameters come back as
 * text). The function's role may read exactly the parameters its config references (synth grants
 * `ssm:GetParameters` on each), so a path added to the config needs a redeploy.
 */
import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { StepStartError } from '../step-start-error.js';
import type { StepIo } from '../context.js';

// GetParameters takes at most 10 names per call.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
const NAMES_PER_CALL = 10;

/**
 * `StepIo.secrets` over SSM Parameter Store. Missing parameters come back undefined (startStep names
 * them with their config keys); a failed call (no grant, throttling) stops the step with the paths.
 * @example const io = { ...base, secrets: ssmSecrets(new SSMClient({}), 'fetch') };
 */
export function ssmSecrets(ssm: SSMClient, node: string): NonNullable<StepIo['secrets']> {
  return async (paths) => {
    const values: Record<string, string | undefined> = Object.fromEntries(paths.map((p) => [p, undefined]));
    const batches: string[][] = [];
    for (let i = 0; i < paths.length; i += NAMES_PER_CALL) batches.push(paths.slice(i, i + NAMES_PER_CALL));
    try {
      await Promise.all(batches.map(async (Names) => {
        const out = await ssm.send(new GetParametersCommand({ Names, WithDecryption: true }));
        for (const p of out.Parameters ?? []) if (p.Name !== undefined && p.Value !== undefined) values[p.Name] = p.Value;
      }));
    } catch (error) {
      const e = error as Error;
      const list = paths.map((p) => `'${p}'`).join(', ');
      throw new StepStartError('SLUICE_E_SECRET', `function '${node}' cannot start: reading secret ${list} from SSM Parameter Store failed (${e.name}: ${e.message}); the function's role may read only the parameters its config references, so redeploy after changing them`, node);
    }
    const region = await regionOf(ssm);
    return {
      values,
      source: `SSM Parameter Store${region ? ` (${region})` : ''}`,
      howToAdd: (missing) => `create ${missing.length === 1 ? 'it' : 'them'} with: ${missing.map((p) => `aws ssm put-parameter --type SecureString --name '${p}' --value '<value>'`).join(' and ')}`,
    };
  };
}

async function regionOf(ssm: SSMClient): Promise<string | undefined> {
  try {
    return await ssm.config.region();
  } catch {
    return undefined;
  }
}
