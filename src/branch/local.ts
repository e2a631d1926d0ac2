/**
 * Branches on the local stage. A branch runs as its own local stage (`local--<name>`) with its own
 * state (`.sluice/local/branches/<name>/`, or memory in unit tests), holding the branched nodes only.
 * Main's state is opened read-only (`openReadOnlyState`): its objects are replayed into the branch as
 * the events AWS would send, sampled by their root key; nothing of main's is ever written.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '../model/pipeline.js';
import type { Engine } from '../engine/index.js';
import { hasState, openReadOnlyState, type ReadOnlyState } from '../engine/store/read-only.js';
import type { ObjectRecord } from '../engine/store/objects.js';
import { INGESTION_ID_METADATA } from '../envelope/lineage.js';
import { LocalStage } from '../stage/local.js';
import type { BranchBackend, BranchHoldings, BranchTriggerOptions, BranchTriggerReport, BucketSides, DeltaObject, TabularFormat } from './backend.js';
import type { BranchPlan } from './plan.js';
import { isFiltered, localRunOf, picked, rootKeyOf } from './local-run.js';
import { BranchError } from './errors.js';
import { comparisonRestriction, mainSideVerdict } from './comparison.js';

/** How the local backend reaches main's data and opens the branch's engine. */
export interface LocalBranchOptions {
  /** Main's state, read-only (opened per operation and closed after). */
  main: () => ReadOnlyState;
  /** The branch's state folder; undefined keeps the branch in memory for as long as the backend lives (tests). */
  stateDir?: string;
  /** Open an engine over the branch's local pipeline (with handlers unless `storeOnly`), on the branch's state. */
  open: (pipeline: Pipeline, options: { storeOnly: boolean }) => Promise<Engine>;
}

/** The local stage's `BranchBackend`. */
export class LocalBranchBackend implements BranchBackend {
  /** The branch engine kept open in memory (no state folder). */
  private kept: Engine | undefined;

  constructor(private readonly options: LocalBranchOptions) {}

  async deploy(plan: BranchPlan, pipeline: Pipeline, onProgress?: (line: string) => void): Promise<BranchHoldings> {
    // Main must exist: a branch reads its upstream data (this fails with SLUICE_E_BRANCH_NO_MAIN when it does not).
    this.options.main().close();
    if (this.options.stateDir) mkdirSync(this.options.stateDir, { recursive: true });
    // Opening with handlers loads (and so checks) the working tree's handler code of every branched step.
    onProgress?.(`loading the handlers of ${plan.branched.length} branched node(s)`);
    await this.withEngine(plan, pipeline, false, async () => undefined);
    return this.holdings(plan, pipeline);
  }

  async trigger(plan: BranchPlan, pipeline: Pipeline, options: BranchTriggerOptions): Promise<BranchTriggerReport> {
    const run = localRunOf(pipeline, plan);
    const main = this.options.main();
    try {
      return await this.withEngine(plan, pipeline, false, async (engine) => {
        const stage = new LocalStage(engine, this.options.stateDir);
        const before = failuresOf(stage);
        // What branched steps read by grant, and what steps outside the branch wrote into branched buckets: copied whole.
        const coWritten = new Set(plan.coWriters.map((c) => c.node));
        const branchedSteps = new Set(plan.branched);
        for (const bucket of run.reads) engine.putMany(main.objects(bucket).map((o) => copyOf(main, o)));
        for (const bucket of coWritten) {
          const own = main.objects(bucket).filter((o) => !branchedSteps.has(writerOf(main, o) ?? ''));
          engine.putMany(own.map((o) => copyOf(main, o)));
        }
        await engine.settle();
        // The replay: main's objects of each root bucket, picked by their root key from keys alone (one
        // query, streamed); only the chosen objects are read whole, a group at a time.
        let candidates = 0;
        const chosen: Array<{ bucket: string; key: string }> = [];
        const filtered = isFiltered(options);
        for (const bucket of run.roots) {
          for (const entry of main.keys(bucket)) {
            candidates++;
            if (filtered) {
              const candidate = { key: entry.key, lastModified: entry.lastModified, ...(entry.ingestionId ? { metadata: { [INGESTION_ID_METADATA]: entry.ingestionId } } : {}) };
              // A root input (no lineage) is its own root key: no lineage walk.
              if (!picked(candidate, entry.ingestionId ? rootKeyOf(candidate, main.step) : entry.key, options)) continue;
            }
            chosen.push({ bucket, key: entry.key });
          }
        }
        let done = 0;
        for (let i = 0; i < chosen.length; i += 200) {
          const group = chosen.slice(i, i + 200).map((c) => main.object(c.bucket, c.key)).filter((o): o is ObjectRecord => o !== undefined);
          engine.putMany(group.map((o) => copyOf(main, o)));
          done += group.length;
          options.onProgress?.(done, chosen.length);
        }
        await engine.settle();
        const executions: string[] = [];
        let failedExecutions = 0;
        for (const { flow } of plan.flows) {
          const started = await stage.trigger(flow);
          executions.push(started.id);
          let detail = await stage.execution(flow, started.id);
          while (detail.status === 'RUNNING') {
            await stage.pause(100);
            detail = await stage.execution(flow, started.id);
          }
          if (detail.status !== 'SUCCEEDED') failedExecutions++;
        }
        if (executions.length === 0) options.onProgress?.(chosen.length, chosen.length);
        return { replayed: chosen.length, skipped: candidates - chosen.length, ...(plan.flows.length ? { executions } : {}), failed: failuresOf(stage) - before + failedExecutions };
      });
    } finally {
      main.close();
    }
  }

  async sides(plan: BranchPlan, pipeline: Pipeline, bucket: string, dir: string, sample?: BranchTriggerOptions): Promise<BucketSides> {
    if (!plan.outputs.includes(bucket)) throw new BranchError('SLUICE_E_BRANCH_OUTPUT', `branch '${plan.name}' has no output bucket '${bucket}'; its outputs are: ${plan.outputs.join(', ') || 'none'}`, { node: bucket, given: bucket });
    const node = pipeline.node(bucket)!;
    const props = node.props as { format?: TabularFormat; keys?: string[] };
    mkdirSync(join(dir, 'main'), { recursive: true });
    mkdirSync(join(dir, 'branch'), { recursive: true });
    const main = this.options.main();
    let mainSide: DeltaObject[];
    let notSampled = 0;
    try {
      // One rule with the AWS backend (comparison.ts): main's outputs whose roots are in the sample; those without lineage whole, counted.
      const restriction = comparisonRestriction(sample);
      const objects = main.objects(bucket).filter((o) => {
        const verdict = mainSideVerdict(o.metadata?.[INGESTION_ID_METADATA] ? rootKeyOf(o, main.step) : undefined, restriction);
        if (verdict === 'not-sampled') notSampled++;
        return verdict !== 'out';
      });
      mainSide = objects.map((o, i) => sideObject(o, main.pathOf(o), () => main.body(o), join(dir, 'main', String(i))));
    } finally {
      main.close();
    }
    const branchSide = await this.withEngine(plan, pipeline, true, async (engine) => engine.store.objects.list(bucket, '', Number.MAX_SAFE_INTEGER)
      .map((o, i) => sideObject(o, engine.store.blobs.pathOf(o.blob), () => engine.store.blobs.read(o.blob), join(dir, 'branch', String(i)))));
    return { bucket, main: mainSide, branch: branchSide, ...(notSampled ? { notSampled } : {}), ...(props.format ? { format: props.format } : {}), ...(props.keys ? { keys: props.keys } : {}) };
  }

  async holdings(plan: BranchPlan, pipeline: Pipeline): Promise<BranchHoldings> {
    const { stateDir } = this.options;
    if (stateDir && !existsSync(stateDir)) return { resources: [], objects: 0, bytes: 0 };
    const resources = plan.branched.map((node) => ({ node, part: pipeline.node(node)!.kind, physicalId: `${plan.branchStage}/${node}` }));
    if (stateDir && !existsSync(join(stateDir, 'state.db'))) return { resources, objects: 0, bytes: bytesUnder(stateDir) };
    return this.withEngine(plan, pipeline, true, async (engine) => {
      let objects = 0;
      let bytes = 0;
      for (const bucket of localRunOf(pipeline, plan).pipeline.nodesOf('bucket')) {
        for (const o of engine.store.objects.list(bucket.name, '', Number.MAX_SAFE_INTEGER)) {
          objects++;
          bytes += o.size;
        }
      }
      return { resources, objects, bytes: stateDir ? bytesUnder(stateDir) : bytes };
    });
  }

  async destroy(plan: BranchPlan, _pipeline: Pipeline, onProgress?: (line: string) => void): Promise<void> {
    await this.kept?.close();
    this.kept = undefined;
    if (this.options.stateDir) {
      onProgress?.(`removing ${this.options.stateDir}`);
      rmSync(this.options.stateDir, { recursive: true, force: true });
    }
    onProgress?.(`branch '${plan.name}' removed`);
  }

  /** Run `fn` on the branch's engine: the kept one in memory, else one opened on its state and closed after. */
  private async withEngine<T>(plan: BranchPlan, pipeline: Pipeline, storeOnly: boolean, fn: (engine: Engine) => Promise<T>): Promise<T> {
    if (!this.options.stateDir) {
      this.kept ??= await this.options.open(localRunOf(pipeline, plan).pipeline, { storeOnly: false });
      return fn(this.kept);
    }
    const engine = await this.options.open(localRunOf(pipeline, plan).pipeline, { storeOnly });
    try {
      return await fn(engine);
    } finally {
      await engine.close();
    }
  }
}

/**
 * Main's local state read-only, for a branch of stage `stage`: fails when main has no state yet (never
 * run), as a branch reads main's upstream data.
 */
export function mainStateOf(stateDir: string, plan: Pick<BranchPlan, 'name' | 'stage'>): () => ReadOnlyState {
  return () => {
    if (!hasState(stateDir)) {
      throw new BranchError('SLUICE_E_BRANCH_NO_MAIN', `branch '${plan.name}' reads main's upstream data on stage '${plan.stage}', but the stage has no state at ${stateDir}; run the pipeline there first (sluice run ... --put BUCKET=FILES), then deploy the branch`, { node: plan.name, field: 'stage', given: plan.stage });
    }
    return openReadOnlyState(stateDir);
  };
}

/** An object of main's, as a put into the branch: its bytes and metadata, without main's ingestion id. */
function copyOf(main: ReadOnlyState, o: ObjectRecord): { bucket: string; key: string; body: Buffer; contentType?: string; metadata?: Record<string, string> } {
  const { [INGESTION_ID_METADATA]: _id, ...metadata } = o.metadata ?? {};
  return { bucket: o.bucket, key: o.key, body: main.body(o), ...(o.contentType ? { contentType: o.contentType } : {}), ...(Object.keys(metadata).length ? { metadata } : {}) };
}

/** The step that wrote an object, from its lineage (undefined without one: a root object or a job's). */
function writerOf(main: ReadOnlyState, o: ObjectRecord): string | undefined {
  const id = o.metadata?.[INGESTION_ID_METADATA];
  return id ? main.step(id)?.artifactName : undefined;
}

/** One side's object as a local file: the blob's own file when it has one, else written to `path`. */
function sideObject(o: ObjectRecord, file: string | undefined, body: () => Buffer, path: string): DeltaObject {
  if (!file) writeFileSync(path, body());
  return { key: o.key, path: file ?? path, size: o.size, etag: o.eTag.replace(/"/g, '') };
}

/** Failed invocations and dead-lettered messages so far, over every node. */
function failuresOf(stage: LocalStage): number {
  return Object.values(stage.stats()).reduce((sum, s) => sum + s.deadLettered + (s.failures - s.retries > 0 ? s.failures - s.retries : 0), 0);
}

/** Bytes of every file under a folder. */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : statSync(path).size;
  }
  return total;
}
