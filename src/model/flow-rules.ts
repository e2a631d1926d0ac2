/**
 * Validation of flows and their jobs: every job runs in exactly one flow, reads at least one stage,
 * and the stages between a flow's jobs order them without a cycle.
 */
import type { Problem } from './errors.js';
import type { Pipeline } from './pipeline.js';
import { flowLevels, stagesOf, type Flow, type FlowStep } from './flow.js';

/** Add the problems of every flow and job of `pipe`. */
export function flowRules(pipe: Pipeline, problems: Problem[]): void {
  const flows = pipe.nodesOf('flow');
  const flowOf = new Map<FlowStep, Flow>();
  for (const f of flows) {
    for (const j of Array.isArray(f.jobs) ? f.jobs : []) {
      const other = flowOf.get(j);
      if (other && other !== f) {
        problems.push({ code: 'SLUICE_E_FLOW_JOB', node: j.name, message: `${j} is in two flows, ${other} and ${f}; a job runs in one flow: declare a second job (a function returning job(...) makes that one line) or merge the flows` });
      } else flowOf.set(j, f);
    }
    const { cycle } = flowLevels(pipe, f);
    if (cycle) {
      const names = [...cycle, cycle[0]!].map((j) => j.name).join(' -> ');
      problems.push({ code: 'SLUICE_E_FLOW_CYCLE', node: f.name, message: `${f}: its jobs wait for each other in a cycle (${names}, each reading a stage the one before writes), so none can start; write a new stage instead of one an earlier job reads` });
    }
  }
  for (const j of [...pipe.nodesOf('job'), ...pipe.nodesOf('glueJob')]) {
    if (!flowOf.has(j)) problems.push({ code: 'SLUICE_E_FLOW_JOB', node: j.name, message: `${j} is in no flow, so nothing would ever run it; add it to one: flow('nightly', [..., ${j.name}])` });
    if (stagesOf(pipe, j).reads.length === 0) problems.push({ code: 'SLUICE_E_JOB_INPUT', node: j.name, message: `${j} reads no stage: a job's input is a bucket something produces or puts into; declare it with inputBucket.to(${j.name})` });
  }
}
