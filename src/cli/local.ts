/**
 * Running the local engine for `run` and `dev`: load the pipeline, find its state (`.sluice/local/`
 * beside the entry unless `--state DIR`), take the state's lock (two engines never share a state),
 * and open the engine with handlers in worker threads, as the local Stage those commands report on.
 */
import { dirname } from 'node:path';
import { loadPipeline } from './load.js';
import { stateDirFor } from './stage.js';
import { openEngine, stepSettingsFrom, type EngineEvent } from '../engine/index.js';
import { lockState } from './state-lock.js';
import { LocalStage } from '../stage/local.js';

/** Options of the commands that run the local engine. */
export interface LocalOptions {
  entry?: string;
  state?: string;
}

/** Open the local engine with its handlers, holding the state's lock. */
export async function openLocal(options: LocalOptions, mode: { onEvent?: (e: EngineEvent) => void; execution?: string }): Promise<{ stage: LocalStage; entry: string; stateDir: string; release: () => void; resumed: number }> {
  const { pipeline, entry } = await loadPipeline(options.entry);
  const stateDir = stateDirFor(entry, options.state);
  const release = lockState(stateDir);
  try {
    // Steps read config overlays (.env, SLUICE_CONFIG) and secrets (.sluice/secrets.json, or
    // SLUICE_SECRETS_FILE) from beside the pipeline file.
    const engine = await openEngine({ pipeline, stateDir, onEvent: mode.onEvent, execution: mode.execution, ...stepSettingsFrom(dirname(entry)) });
    // Holding the lock, this is the only engine on the state: whatever is still in flight was left by
    // one that died (killed, crashed, power cut), so it is delivered again now rather than after its
    // visibility timeout.
    const resumed = engine.releaseInFlight();
    return { stage: new LocalStage(engine, stateDir), entry, stateDir, release, resumed };
  } catch (error) {
    release();
    throw error;
  }
}
