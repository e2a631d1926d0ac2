/**
 * Running the local engine for `run` and `dev`: load the pipeline, find its state (`.sluice/local/`
 * beside the entry unless `--state DIR`), take the state's lock (two engines never share a state),
 * and open the engine with handlers in worker threads, as the local Stage those commands report on.
 */
import { dirname } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipeline } from './load.js';
import { stateDirFor } from './stage.js';
import { openEngine, stepSettingsFrom, type EngineEvent } from '../engine/index.js';
import { SluiceError } from '../model/errors.js';
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

/** Take the engine lock of a state folder; a stale lock (its process gone) is taken over. */
function lockState(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'engine.lock');
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new SluiceError('SLUICE_E_STATE_LOCKED', `another sluice engine (pid ${pid}) is running on ${stateDir}; stop it, or give this one its own --state DIR`);
    }
  } catch (error) {
    if (error instanceof SluiceError) throw error;
  }
  writeFileSync(lock, String(process.pid));
  return () => {
    try {
      if (readFileSync(lock, 'utf8') === String(process.pid)) unlinkSync(lock);
    } catch {
      // already released
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
