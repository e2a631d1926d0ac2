/**
 * `flow`: batch jobs run in dependency order, as one AWS Step Functions state machine. The order comes
 * from the stages between the jobs: a job that reads a bucket another job of the flow writes runs
 * after it; jobs with no such dependency run in parallel. A schedule starts it (`schedule.to(flow)`),
 * `sluice trigger` starts it by hand, and `flow.to(topic)` publishes each execution's outcome.
 */
import { Node, type AnyNode } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import { durationSeconds, type Duration } from './duration.js';
import type { Problem } from './errors.js';
import type { Job } from './job.js';
import type { GlueJob } from './glue-job.js';
import type { Pipeline } from './pipeline.js';

/** A job a flow runs: a TypeScript `job` or a `glueJob`. */
export type FlowStep = Job | GlueJob;

/** Props of a flow. */
export interface FlowProps {
  /**
   * What a trigger does while an execution of this flow is still running (a schedule firing, or
   * `sluice trigger`): `refuse` it, or `queue` it to start when the running one ends. @default 'refuse'
   */
  overlap?: 'refuse' | 'queue';
  /** Longest execution, 1 s..1 year (the state machine's TimeoutSeconds). @default no limit but the jobs' own */
  timeout?: Duration;
}

/** A flow node. */
export class Flow extends Node<'flow', FlowProps> {
  readonly kind = 'flow' as const;

  constructor(
    name: string,
    /** The jobs it runs, in the order declared (the run order comes from their stages). */
    readonly jobs: readonly FlowStep[],
    props: FlowProps,
  ) {
    super(name, props);
  }

  /** The execution time limit in seconds, if any (NaN when it cannot be read). */
  get timeoutSeconds(): number | undefined {
    return this.props.timeout === undefined ? undefined : durationSeconds(this.props.timeout) ?? NaN;
  }

  /** What a trigger does while an execution runs. */
  get overlap(): 'refuse' | 'queue' {
    return this.props.overlap ?? 'refuse';
  }

  /** This node's own problems: its jobs list and options. */
  problems(): Problem[] {
    const problems: Problem[] = [];
    const push = (field: string, message: string, given?: unknown) => problems.push({ code: 'SLUICE_E_FLOW', node: this.name, field, message: `${this}: ${message}`, ...(given !== undefined ? { given } : {}) });
    if (!Array.isArray(this.jobs) || this.jobs.length === 0) push('jobs', `a flow runs at least one job: flow('${this.name}', [extract, clean])`);
    else {
      for (const [i, j] of this.jobs.entries()) {
        if (!(j instanceof Node) || (j.kind !== 'job' && j.kind !== 'glueJob')) push(`jobs.${i}`, `item ${i} is not a job or a glueJob (given ${j instanceof Node ? String(j) : JSON.stringify(j)}); a flow runs job(...) and glueJob(...) nodes`);
        else if (this.jobs.indexOf(j) !== i) push(`jobs.${i}`, `${j} is listed twice; list each job once`);
      }
    }
    const overlap = this.props.overlap;
    if (overlap !== undefined && overlap !== 'refuse' && overlap !== 'queue') push('overlap', `overlap must be 'refuse' or 'queue' (given ${JSON.stringify(overlap)})`, overlap);
    const t = this.timeoutSeconds;
    if (t !== undefined && Number.isNaN(t)) problems.push({ code: 'SLUICE_E_DURATION', node: this.name, field: 'timeout', message: `${this}: timeout is not a duration (given ${JSON.stringify(this.props.timeout)}); use a string like '2h'` });
    else checkRange(problems, this, 'timeout', 'SLUICE_E_FLOW', t, 1, 31_536_000, ' seconds');
    return problems;
  }
}

/**
 * Declare a flow of jobs. Their order comes from the buckets between them.
 * @example const nightly = flow('nightly', [extract, clean, aggregate]);
 * @example schedule('at-2am', 'cron(0 2 * * ? *)').to(nightly).to(outcomes)
 */
export function flow(name: string, jobs: readonly FlowStep[], props: FlowProps = {}): Flow {
  return new Flow(name, jobs, props);
}

export const flowKind = {
  kind: 'flow',
  noun: { one: 'flow', many: 'flows' },
  outgoing: {
    topic: { meaning: "each execution's outcome is published", grant: { on: 'to', use: 'publish' }, options: [] },
    notify: { meaning: "each execution's outcome is emailed", grant: { on: 'to', use: 'publish' }, options: [] },
  },
  instead: {
    bucket: 'a flow runs jobs, and its jobs write stages: job.to(bucket)',
    queue: "publish the outcome to a topic and subscribe the queue: flow.to(topic).to(queue)",
    fn: "publish the outcome to a topic the function subscribes to: flow.to(topic).to(fn)",
    job: 'list the job in the flow: flow(name, [job, ...])',
    glueJob: 'list the job in the flow: flow(name, [job, ...])',
    flow: "start the second flow from the first one's outcome topic through a function, or merge their jobs into one flow",
  },
  // What EventBridge's role needs to start it on a schedule.
  permissions: { invoke: ['states:StartExecution'] },
  // State machine names are up to 80 characters; sluice adds the pipeline and stage.
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 40 },
  parts: {
    StateMachine: { type: 'AWS::StepFunctions::StateMachine', name: '{name}', physicalId: 'arn', arn: { service: 'states', regional: true, resource: 'stateMachine:{name}' } },
    Role: { type: 'AWS::IAM::Role' },
    LogGroup: { type: 'AWS::Logs::LogGroup', name: '/aws/vendedlogs/states/{name}', physicalId: 'name' },
  },
  deadLetters: null,
  data: { ops: ['executions', 'trigger'], hint: 'start it with: sluice trigger {name}' },
  binding: null,
} as const satisfies KindDefinition<Flow>;

/** The stages (buckets) a job reads and writes, from its edges. */
export function stagesOf(pipe: Pipeline, step: AnyNode): { reads: AnyNode[]; writes: AnyNode[] } {
  return {
    reads: pipe.incoming(step).filter((e) => e.from.kind === 'bucket').map((e) => e.from),
    writes: pipe.outgoing(step).filter((e) => e.to.kind === 'bucket').map((e) => e.to),
  };
}

/**
 * A flow's jobs in run order: topological levels, each job after every job of the flow that writes a
 * stage it reads. Jobs of one level do not depend on each other and run in parallel. `cycle` holds the
 * jobs of a dependency cycle when there is one (then `levels` holds only the jobs before it).
 * @example flowLevels(pipe, nightly).levels.map((l) => l.map((j) => j.name)) // [['extract'], ['clean', 'enrich'], ['aggregate']]
 */
export function flowLevels(pipe: Pipeline, f: Flow): { levels: FlowStep[][]; cycle?: FlowStep[] } {
  const jobs = (f.jobs ?? []).filter((j): j is FlowStep => j instanceof Node && (j.kind === 'job' || j.kind === 'glueJob'));
  const writers = new Map<AnyNode, FlowStep[]>();
  for (const j of jobs) for (const b of stagesOf(pipe, j).writes) writers.set(b, [...(writers.get(b) ?? []), j]);
  const after = new Map<FlowStep, Set<FlowStep>>(jobs.map((j) => [j, new Set(stagesOf(pipe, j).reads.flatMap((b) => writers.get(b) ?? []).filter((w) => w !== j))]));
  const levels: FlowStep[][] = [];
  const placed = new Set<FlowStep>();
  while (placed.size < jobs.length) {
    const level = jobs.filter((j) => !placed.has(j) && [...after.get(j)!].every((d) => placed.has(d)));
    if (level.length === 0) return { levels, cycle: findCycle(jobs.filter((j) => !placed.has(j)), after) };
    for (const j of level) placed.add(j);
    levels.push(level);
  }
  return { levels };
}

/** One cycle among jobs that cannot be ordered (each waits for another of them). */
function findCycle(rest: FlowStep[], after: Map<FlowStep, Set<FlowStep>>): FlowStep[] {
  const path: FlowStep[] = [];
  let at = rest[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = [...after.get(at)!].find((d) => rest.includes(d))!;
  }
  return path.slice(path.indexOf(at));
}
