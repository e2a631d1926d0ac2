/**
 * Opening the local engine: durable (SQLite file and blob files under a state folder, worker
 * threads) for the CLI, or in memory (in-process handlers) for unit tests.
 */
import { join } from 'node:path';
import type { Pipeline } from '../model/pipeline.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SqliteFileBlobStore } from './blobs.js';
import { ManualClock, SystemClock, type Clock } from './clock.js';
import { Engine, type EngineEvent } from './engine.js';
import { InProcessInvoker, StoreOnlyInvoker, type Invoker } from './invoker.js';
import { localStepIo } from './local-io.js';
import { Store, type EngineStore } from './store/index.js';
import { MemoryStore } from './store/memory.js';
import { keySchemaOf } from './kinds/table.js';
import { WorkerInvoker } from './worker-invoker.js';
import { secretsSource } from './config-files.js';
import type { ConfigLayers } from '../runtime/config.js';

/** Options of `openEngine`. */
export interface OpenEngineOptions {
  pipeline: Pipeline;
  /** State folder (durable); omit for an in-memory engine. */
  stateDir?: string;
  /** Where handlers run. @default 'worker' when durable, 'in-process' in memory */
  isolation?: 'in-process' | 'worker';
  /** A manual clock (tests); durable engines use the system clock with a persisted offset. */
  clock?: Clock;
  onEvent?: (event: EngineEvent) => void;
  defaultConcurrency?: number;
  /** In memory: plain JavaScript structures (fast), or SQLite in memory (the durable store's code). @default 'memory' */
  backend?: 'memory' | 'sqlite';
  /** Load handlers; false opens the store only (put, ls, cat), which never invokes. @default true */
  handlers?: boolean;
  /** The stage whose `stageConfig` applies. @default 'local' */
  stage?: string;
  /** Config over each step's: `SLUICE_CONFIG` and `.env` (see `configLayersFrom`). */
  configLayers?: ConfigLayers;
  /** Secrets: a JSON file of SSM paths to values (read when a step starts), or the values themselves. */
  secrets?: string | Record<string, string>;
  /** How steps run, for their start heartbeat (`run_once`, `run_forever`). @default 'local' */
  execution?: string;
}

/**
 * How long an offloaded envelope body is kept when no consumer releases it: past SQS's longest
 * retention (14 days), as the payload bucket's lifecycle rule on AWS.
 */
export const PAYLOAD_EXPIRY_MS = 15 * 86_400_000;

const CLOCK_OFFSET = 'clockOffsetMs';

/** Open an engine over a state folder or memory. Validates the pipeline and handlers first. */
export async function openEngine(options: OpenEngineOptions): Promise<Engine> {
  const durable = options.stateDir !== undefined;
  const store: EngineStore = durable
    ? new Store(join(options.stateDir!, 'state.db'), (db) => new SqliteFileBlobStore(db, join(options.stateDir!, 'blobs')))
    : options.backend === 'sqlite'
      // The durable store's own code in memory: small bodies inline, large ones in a temporary folder.
      ? new Store(':memory:', (db) => new SqliteFileBlobStore(db, mkdtempSync(join(tmpdir(), 'sluice-blobs-'))))
      : new MemoryStore();
  const clock = options.clock ?? (durable ? new SystemClock(Number(store.meta.get(CLOCK_OFFSET) ?? 0)) : new ManualClock());
  const isolation = options.isolation ?? (durable ? 'worker' : 'in-process');
  const tables = new Map(options.pipeline.nodesOf('table').map((t) => [t.name, keySchemaOf(t)]));
  const secrets = options.secrets !== undefined ? secretsSource(options.secrets) : undefined;
  const io = localStepIo(store, { tables, now: () => clock.now(), ...(secrets ? { secrets } : {}) });
  const invoker: Invoker = options.handlers === false ? new StoreOnlyInvoker() : isolation === 'worker' ? new WorkerInvoker(io, join(options.stateDir ?? join(process.cwd(), '.sluice', 'memory'), 'cache')) : new InProcessInvoker(io, () => clock.now());
  try {
    const engine = await Engine.start({
      pipeline: options.pipeline, store, clock, invoker, onEvent: options.onEvent, defaultConcurrency: options.defaultConcurrency,
      stage: options.stage, configLayers: options.configLayers, execution: options.execution,
      cacheDir: join(options.stateDir ?? join(process.cwd(), '.sluice', 'memory'), 'cache'),
      // A manual clock (tests) does not wait out a job's retry interval in real time.
      skipRetryWaits: !(clock instanceof SystemClock),
      ...(secrets ? { secrets } : {}),
    });
    if (durable) {
      // The payload bucket's lifecycle rule: bodies no consumer came back for expire.
      const expired = store.transaction(() => store.payloads.expire(clock.now() - PAYLOAD_EXPIRY_MS));
      for (const blob of expired) store.blobs.remove(blob);
      // Files written by a run that was killed before its commit belong to no object or payload: remove them.
      store.blobs.sweep((id) => store.objects.references(id) || store.payloads.references(id), 60_000);
    }
    return engine;
  } catch (error) {
    store.close();
    throw error;
  }
}

/** Persist a system clock's offset so later processes on the same state agree on the time. */
export function saveClock(engine: Engine): void {
  if (engine.clock instanceof SystemClock) engine.store.meta.set(CLOCK_OFFSET, String(engine.clock.offsetMs));
}

export { Engine, type EngineEvent } from './engine.js';
export { configLayersFrom, defaultSecretsFile, parseDotenv, secretsSource, stepSettingsFrom } from './config-files.js';
export { lineageOf, describeIngestionInput, type Lineage } from './lineage.js';
export { ManualClock, SystemClock, type Clock } from './clock.js';
export type { NodeStats } from './completion.js';
