/**
 * The data stages between imported jobs, inferred from the s3:// paths their arguments name: which
 * buckets (or top-level folders of one bucket) they are, and which job reads or writes each. The
 * direction comes from the argument's name (`--input_path` reads, `--output` writes), else from the
 * order the state machine runs the jobs in (the first job naming a stage writes it, later ones read
 * it). What stays unclear is listed, never guessed.
 */
import { isGlueParameter } from './glue-job.js';
import { bucketNodeName, uniqueName } from './names.js';
import { s3UrlsIn } from './s3-url.js';

/** A job as the inference sees it: its node name, level in the flow, and arguments. */
export interface StagedJob {
  node: string;
  level: number;
  arguments: Record<string, string>;
}

/** A data stage: a bucket, or one top-level folder of a bucket several stages share. */
export interface InferredStage {
  /** The bucket node's name. */
  node: string;
  /** `s3://bucket/` or `s3://bucket/folder/` in the source account. */
  location: string;
}

/** An edge between a stage and a job. */
export interface InferredEdge {
  from: string;
  to: string;
  /** The argument and value that name the stage. */
  argument: string;
  value: string;
  /** How the direction was decided. */
  by: 'argument name' | 'order';
}

/** A stage a job names whose direction could not be decided. */
export interface UnclearMention {
  job: string;
  stage: string;
  argument: string;
  value: string;
}

/** What the arguments tell about stages. */
export interface InferredStages {
  stages: InferredStage[];
  edges: InferredEdge[];
  unclear: UnclearMention[];
}

const READ_WORDS = new Set(['in', 'input', 'inputs', 'src', 'source', 'sources', 'from', 'read', 'reads', 'raw', 'landing']);
const WRITE_WORDS = new Set(['out', 'output', 'outputs', 'dest', 'destination', 'target', 'to', 'write', 'writes', 'sink']);

/** `--input_path` reads, `--outputBucket` writes, `--date` neither. */
function directionOf(argument: string): 'read' | 'write' | undefined {
  const words = argument.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const reads = words.some((w) => READ_WORDS.has(w));
  const writes = words.some((w) => WRITE_WORDS.has(w));
  return reads === writes ? undefined : reads ? 'read' : 'write';
}

interface Mention {
  job: StagedJob;
  argument: string;
  value: string;
  bucket: string;
  folder: string | undefined;
  direction: 'read' | 'write' | undefined;
}

/**
 * Infer the stages and edges of a flow's jobs from their s3:// arguments.
 * @example inferStages([{ node: 'clean', level: 1, arguments: { '--input': 's3://bronze/', '--output': 's3://silver/' } }])
 */
export function inferStages(jobs: readonly StagedJob[], taken: Set<string>): InferredStages {
  const mentions: Mention[] = [];
  for (const job of jobs) {
    for (const [argument, value] of Object.entries(job.arguments)) {
      if (isGlueParameter(argument)) continue;
      for (const location of s3UrlsIn(value)) {
        const segments = location.key.split('/');
        // A folder is a stage only when the key goes below it: s3://lake/bronze/ or s3://lake/bronze/x.csv.
        const folder = segments.length > 1 && segments[0] ? segments[0] : undefined;
        mentions.push({ job, argument, value, bucket: location.bucket, folder, direction: directionOf(argument) });
      }
    }
  }
  // One stage per bucket, unless its mentions name several top-level folders: then one per folder.
  const foldersOf = new Map<string, Set<string>>();
  for (const m of mentions) foldersOf.set(m.bucket, new Set([...(foldersOf.get(m.bucket) ?? []), ...(m.folder ? [m.folder] : [])]));
  const stageKey = (m: Mention) => ((foldersOf.get(m.bucket)?.size ?? 0) > 1 && m.folder ? `${m.bucket}/${m.folder}` : m.bucket);
  const stages = new Map<string, InferredStage>();
  for (const m of mentions) {
    const key = stageKey(m);
    if (stages.has(key)) continue;
    const split = key.includes('/');
    stages.set(key, { node: uniqueName(bucketNodeName(split ? m.folder! : m.bucket), taken), location: `s3://${key}/` });
  }
  const edges: InferredEdge[] = [];
  const unclear: UnclearMention[] = [];
  const add = (m: Mention, direction: 'read' | 'write', by: InferredEdge['by']) => {
    const stage = stages.get(stageKey(m))!.node;
    const edge = direction === 'read' ? { from: stage, to: m.job.node } : { from: m.job.node, to: stage };
    if (!edges.some((e) => e.from === edge.from && e.to === edge.to)) edges.push({ ...edge, argument: m.argument, value: m.value, by });
  };
  for (const m of mentions) if (m.direction) add(m, m.direction, 'argument name');
  for (const m of mentions.filter((x) => !x.direction)) {
    const same = mentions.filter((x) => stageKey(x) === stageKey(m) && x.job.node !== m.job.node);
    const writerBefore = same.some((x) => x.job.level < m.job.level && x.direction !== 'read');
    const readerAfter = same.some((x) => x.job.level > m.job.level && x.direction !== 'write');
    if (writerBefore && !readerAfter) add(m, 'read', 'order');
    else if (readerAfter && !writerBefore) add(m, 'write', 'order');
    else unclear.push({ job: m.job.node, stage: stages.get(stageKey(m))!.node, argument: m.argument, value: m.value });
  }
  // Read in the order the data flows: by the job's level, its reads before its writes.
  const levelOf = new Map(jobs.map((j) => [j.node, j.level]));
  const rank = (e: InferredEdge) => (levelOf.has(e.to) ? 2 * levelOf.get(e.to)! : 2 * levelOf.get(e.from)! + 1);
  edges.sort((a, b) => rank(a) - rank(b));
  return { stages: [...stages.values()], edges, unclear };
}
