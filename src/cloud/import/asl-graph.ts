/**
 * A state machine's definition (Amazon States Language) read for its jobs: the Task states that run
 * Glue jobs or Lambda functions, and the order they run in, recovered by walking the graph (Next,
 * Choice branches and Default, Parallel branches, Map iterators, Catch). Everything else is listed
 * with why it was skipped. Pure: the caller fetches the definition.
 * ASL: https://states-language.net/spec.html; service integrations:
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html and connect-lambda.html.
 */
import { AwsImportError, IMPORT_CODES } from './errors.js';

/** What a Task state runs. */
export type TaskTarget =
  | { kind: 'glueJob'; jobName: string; waits: boolean; arguments: Record<string, string> }
  | { kind: 'job'; functionName: string; qualifier?: string };

/** A Task state that runs a Glue job or a Lambda function. */
export interface AslTask {
  /** The state's path: its name, inside Parallel and Map states `Outer/branch 1/Name`. */
  state: string;
  resource: string;
  target: TaskTarget;
  /** The tasks (by path) that must finish before it starts. */
  after: string[];
  /** 0 for tasks that start first; one more than the latest task it waits for. */
  level: number;
  /** How the source ran it that a flow does not: conditionally, per item, ... (for comments). */
  notes: string[];
}

/** A state the import leaves out. */
export interface SkippedState {
  state: string;
  resource?: string;
  reason: string;
}

/** The jobs of a state machine, in the order it runs them. */
export interface AslJobs {
  tasks: AslTask[];
  skipped: SkippedState[];
  /** Facts about the whole machine worth a comment (loops ignored, and the like). */
  notes: string[];
  /** The state machine's TimeoutSeconds, if set. */
  timeoutSeconds?: number;
}

interface AslState {
  Type?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next?: string }>;
  Catch?: Array<{ Next?: string }>;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine & { ProcessorConfig?: { Mode?: string } };
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Arguments?: Record<string, unknown>;
}

interface AslMachine {
  StartAt?: string;
  States?: Record<string, AslState>;
  TimeoutSeconds?: number;
}

type EdgeKind = 'next' | 'choice' | 'catch';

interface GraphNode {
  id: string;
  state?: AslState;
  edges: Array<{ to: string; kind: EdgeKind }>;
  /** The enclosing Choice / Map facts, for notes. */
  notes: string[];
}

const END = '(end)';

/**
 * Parse a state machine's definition and find its jobs and their order.
 * @throws AwsImportError SLUICE_E_IMPORT_ASL when the definition is not JSON or not a state machine.
 * @example aslJobs(definition, 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly').tasks.map((t) => t.state)
 */
export function aslJobs(definition: string, arn: string): AslJobs {
  let machine: AslMachine;
  try {
    machine = JSON.parse(definition) as AslMachine;
  } catch (error) {
    throw aslError(arn, `its definition is not JSON (${(error as Error).message})`);
  }
  const graph = new Map<string, GraphNode>();
  const start = addMachine(graph, machine, '', END, arn, []);
  graph.set(END, { id: END, edges: [], notes: [] });
  const notes: string[] = [];
  const backEdges = findBackEdges(graph, start);
  for (const [from, to] of backEdges) notes.push(`the loop from '${from}' back to '${to}' is ignored: a flow runs each job once per execution`);
  noteChoices(graph, backEdges);
  const normal = reachable(graph, start, backEdges, false);
  const any = reachable(graph, start, backEdges, true);

  const tasks: AslTask[] = [];
  const skipped: SkippedState[] = [];
  const taskIds = new Set<string>();
  for (const node of graph.values()) {
    if (node.state?.Type !== 'Task' || !any.has(node.id)) continue;
    const resource = node.state.Resource ?? '';
    const target = taskTarget(node.state);
    if ('skip' in target) skipped.push({ state: node.id, resource, reason: target.skip });
    else if (!normal.has(node.id)) skipped.push({ state: node.id, resource, reason: "it runs only when another state fails (a Catch); a flow ends failed when a job fails, naming it, and flow.to(topic) publishes the outcome" });
    else {
      tasks.push({ state: node.id, resource, target, after: [], level: 0, notes: node.notes });
      taskIds.add(node.id);
    }
  }
  for (const node of graph.values()) {
    if (node.state?.Type === 'Task' && !any.has(node.id)) skipped.push({ state: node.id, resource: node.state.Resource, reason: 'no path from StartAt reaches it' });
  }
  // The tasks each task waits for: the nearest tasks behind it on any normal path.
  const predecessors = new Map<string, string[]>();
  for (const node of graph.values()) {
    for (const edge of node.edges) {
      if (edge.kind === 'catch' || backEdges.some(([f, t]) => f === node.id && t === edge.to)) continue;
      predecessors.set(edge.to, [...(predecessors.get(edge.to) ?? []), node.id]);
    }
  }
  const byId = new Map(tasks.map((t) => [t.state, t]));
  for (const task of tasks) task.after = nearestTasks(task.state, predecessors, taskIds);
  const levelOf = (task: AslTask, seen: Set<string>): number => {
    if (seen.has(task.state)) return task.level;
    seen.add(task.state);
    task.level = task.after.length ? 1 + Math.max(...task.after.map((id) => levelOf(byId.get(id)!, seen))) : 0;
    return task.level;
  };
  const seen = new Set<string>();
  for (const task of tasks) levelOf(task, seen);
  // Definition order within a level: the order a reader of the ASL expects.
  const order = [...graph.keys()];
  tasks.sort((a, b) => a.level - b.level || order.indexOf(a.state) - order.indexOf(b.state));
  skipped.sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state));
  return { tasks, skipped, notes, ...(machine.TimeoutSeconds !== undefined ? { timeoutSeconds: machine.TimeoutSeconds } : {}) };
}

function aslError(arn: string, why: string): AwsImportError {
  return new AwsImportError(IMPORT_CODES.asl, `the definition of state machine '${arn}' cannot be read as Amazon States Language: ${why}; check it in the Step Functions console, or declare the flow's jobs by hand`, { given: arn });
}

/** Add a machine's (or branch's) states to the graph; returns the id of its StartAt state. */
function addMachine(graph: Map<string, GraphNode>, machine: AslMachine, scope: string, exit: string, arn: string, notes: string[]): string {
  const where = scope ? `branch '${scope.replace(/\/$/, '')}'` : 'the state machine';
  if (typeof machine !== 'object' || machine === null || typeof machine.StartAt !== 'string' || typeof machine.States !== 'object' || machine.States === null) {
    throw aslError(arn, `${where} has no StartAt and States`);
  }
  const states = machine.States;
  const id = (name: string, field: string, from: string): string => {
    if (!(name in states)) throw aslError(arn, `${field} of '${from}' names state '${name}', which ${where} does not have`);
    return `${scope}${name}`;
  };
  for (const [name, state] of Object.entries(states)) {
    const nodeId = `${scope}${name}`;
    if (typeof state !== 'object' || state === null || typeof state.Type !== 'string') throw aslError(arn, `state '${nodeId}' has no Type`);
    const node: GraphNode = { id: nodeId, state, edges: [], notes };
    graph.set(nodeId, node);
    let after = nodeId;
    if (state.Type === 'Parallel' || state.Type === 'Map') {
      // Branches run between the state and its join: the join waits for all of them.
      const join = `${nodeId}#join`;
      const branches = state.Type === 'Parallel' ? state.Branches ?? [] : [state.ItemProcessor ?? state.Iterator ?? {}];
      const mapNote = state.Type === 'Map'
        ? [`it runs once per item of Map state '${nodeId}'${state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED' ? ' (distributed)' : ''} in the source; a flow runs it once: loop over the items inside the job`]
        : [];
      branches.forEach((branch, i) => {
        const branchScope = state.Type === 'Parallel' ? `${nodeId}/branch ${i + 1}/` : `${nodeId}/item/`;
        node.edges.push({ to: addMachine(graph, branch, branchScope, join, arn, [...notes, ...mapNote]), kind: 'next' });
      });
      if (branches.length === 0) node.edges.push({ to: join, kind: 'next' });
      graph.set(join, { id: join, edges: [], notes });
      after = join;
    }
    const from = graph.get(after)!;
    if (state.Type === 'Choice') {
      for (const choice of state.Choices ?? []) if (choice.Next) node.edges.push({ to: id(choice.Next, 'a choice', nodeId), kind: 'choice' });
      if (state.Default) node.edges.push({ to: id(state.Default, 'Default', nodeId), kind: 'choice' });
    } else if (state.Type === 'Succeed') from.edges.push({ to: exit, kind: 'next' });
    else if (state.Type !== 'Fail') {
      if (state.Next) from.edges.push({ to: id(state.Next, 'Next', nodeId), kind: 'next' });
      else if (state.End) from.edges.push({ to: exit, kind: 'next' });
    }
    for (const c of state.Catch ?? []) if (c.Next) node.edges.push({ to: id(c.Next, 'a Catch', nodeId), kind: 'catch' });
  }
  return id(machine.StartAt, 'StartAt', scope ? scope.replace(/\/$/, '') : 'the state machine');
}

/** Edges that close a loop (DFS back edges from the start): polling loops and retries by hand. */
function findBackEdges(graph: Map<string, GraphNode>, start: string): Array<[string, string]> {
  const back: Array<[string, string]> = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
  state.set(start, 'open');
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const edges = graph.get(top.id)?.edges ?? [];
    if (top.next >= edges.length) {
      state.set(top.id, 'done');
      stack.pop();
      continue;
    }
    const to = edges[top.next++]!.to;
    if (state.get(to) === 'open') back.push([top.id, to]);
    else if (!state.has(to)) {
      state.set(to, 'open');
      stack.push({ id: to, next: 0 });
    }
  }
  return back;
}

/** Note on every state after a Choice that the Choice may skip it: a flow has no conditions. */
function noteChoices(graph: Map<string, GraphNode>, backEdges: Array<[string, string]>): void {
  for (const choice of graph.values()) {
    if (choice.state?.Type !== 'Choice') continue;
    const note = `it comes after Choice state '${choice.id}' in the source, which may skip it; a flow runs every job in every execution`;
    const seen = new Set<string>();
    const queue = choice.edges.filter((e) => e.kind === 'choice').map((e) => e.to);
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = graph.get(id);
      if (!node) continue;
      if (!node.notes.includes(note)) node.notes = [...node.notes, note];
      for (const edge of node.edges) if (edge.kind !== 'catch' && !backEdges.some(([f, t]) => f === id && t === edge.to)) queue.push(edge.to);
    }
  }
}

/** States reachable from the start, over Catch edges too or not. */
function reachable(graph: Map<string, GraphNode>, start: string, backEdges: Array<[string, string]>, withCatch: boolean): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const edge of graph.get(id)?.edges ?? []) {
      if ((edge.kind === 'catch' && !withCatch) || seen.has(edge.to)) continue;
      if (backEdges.some(([f, t]) => f === id && t === edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

/** The tasks nearest behind `id`: walk predecessors, stopping at each task met. */
function nearestTasks(id: string, predecessors: Map<string, string[]>, tasks: Set<string>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>([id]);
  const queue = [...(predecessors.get(id) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    if (tasks.has(p)) found.add(p);
    else queue.push(...(predecessors.get(p) ?? []));
  }
  return [...found];
}

const GLUE = /^arn:[\w-]+:states:::glue:startJobRun(\.sync)?$/;
const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/;

/** What a Task runs, or why it is skipped. */
function taskTarget(state: AslState): TaskTarget | { skip: string } {
  const resource = state.Resource ?? '';
  // JSONPath states take Parameters; JSONata states take Arguments, with {% %} expressions.
  const params = state.Parameters ?? state.Arguments ?? {};
  const dynamic = (key: string) => `${key}.$` in params || (typeof params[key] === 'string' && /^\{%.*%\}$/s.test(params[key]));
  if (GLUE.test(resource)) {
    if (dynamic('JobName') || typeof params.JobName !== 'string') return { skip: 'its Glue job name is computed from the input at run time (JobName.$), so it names no job to import' };
    const args: Record<string, string> = {};
    for (const [k, v] of Object.entries((params.Arguments ?? {}) as Record<string, unknown>)) if (!k.endsWith('.$') && typeof v === 'string' && !/^\{%.*%\}$/s.test(v)) args[k] = v;
    return { kind: 'glueJob', jobName: params.JobName, waits: resource.endsWith('.sync'), arguments: args };
  }
  if (LAMBDA_INVOKE.test(resource)) {
    if (dynamic('FunctionName') || typeof params.FunctionName !== 'string') return { skip: 'its Lambda function is computed from the input at run time (FunctionName.$), so it names no function to import' };
    return lambdaTarget(params.FunctionName);
  }
  const bare = LAMBDA_ARN.exec(resource);
  if (bare) return { kind: 'job', functionName: bare[1]!, ...(bare[2] ? { qualifier: bare[2] } : {}) };
  if (/:::sns:publish/.test(resource)) return { skip: "it publishes to SNS; a flow publishes each execution's outcome with flow.to(topic)" };
  if (/:states:[\w-]+:\d{12}:activity:/.test(resource)) return { skip: 'it waits for an activity worker; a flow runs job and glueJob nodes only' };
  return { skip: `its resource is neither a Glue job (glue:startJobRun) nor a Lambda function (lambda:invoke or a function ARN); a flow runs job and glueJob nodes only` };
}

/** A Lambda FunctionName: a name, `name:alias`, a partial ARN `123456789012:function:name` or a full ARN. */
function lambdaTarget(functionName: string): TaskTarget | { skip: string } {
  const m = /^(?:arn:[\w-]+:lambda:[\w-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/.exec(functionName);
  if (!m) return { skip: `its FunctionName '${functionName}' is not a Lambda function name or ARN` };
  return { kind: 'job', functionName: m[1]!, ...(m[2] ? { qualifier: m[2] } : {}) };
}
