/**
 * Opening the local stage for a command: load the pipeline, find its state (`.sluice/local/` beside
 * the entry unless `--state DIR`), and open the engine: with handlers in worker threads for `run` and
 * `dev`, store-only for data commands. `run` and `dev` hold a lock so two engines never share a state.
 */
import { dirname, join, resolve } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { loadPipeline } from './load.js';
import { configLayersFrom, defaultSecretsFile, openEngine, type Engine, type EngineEvent } from '../engine/index.js';
import { SluiceError } from '../model/errors.js';

/** Options shared by local commands. */
export interface LocalOptions {
  entry?: string;
  state?: string;
  stage?: string;
}

/** The state folder for an entry. */
export function stateDirFor(entry: string, state?: string): string {
  return state ? resolve(state) : join(dirname(entry), '.sluice', 'local');
}

/** Open the local engine for a command. */
export async function openLocal(options: LocalOptions, mode: { handlers: boolean; onEvent?: (e: EngineEvent) => void; execution?: string }): Promise<{ engine: Engine; entry: string; stateDir: string; release: () => void; resumed: number }> {
  if (options.stage && options.stage !== 'local') {
    throw new SluiceError('SLUICE_E_STAGE', `stage '${options.stage}' is an AWS stage; this command runs on the local engine only in this version (use --stage local, the default)`);
  }
  const { pipeline, entry } = await loadPipeline(options.entry);
  const stateDir = stateDirFor(entry, options.state);
  const release = mode.handlers ? lockState(stateDir) : () => {};
  try {
    // Steps read config overlays (.env, SLUICE_CONFIG) and secrets (.sluice/secrets.json, or
    // SLUICE_SECRETS_FILE) from beside the pipeline file.
    const dir = dirname(entry);
    const engine = await openEngine({
      pipeline, stateDir, handlers: mode.handlers, onEvent: mode.onEvent, execution: mode.execution,
      ...(mode.handlers ? { configLayers: configLayersFrom(dir), secrets: process.env.SLUICE_SECRETS_FILE ? resolve(process.env.SLUICE_SECRETS_FILE) : defaultSecretsFile(dir) } : {}),
    });
    // Holding the lock, this is the only engine on the state: whatever is still in flight was left by
    // one that died (killed, crashed, power cut), so it is delivered again now rather than after its
    // visibility timeout.
    const resumed = mode.handlers ? engine.releaseInFlight() : 0;
    return { engine, entry, stateDir, release, resumed };
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
