/**
 * The flow plan: what a flow is once its jobs are ordered. Synth and the local engine both turn a plan
 * into the same state machine definition (`flowDefinition` in asl.ts), so the plan is the one place
 * the order, the timeouts and the retries of a flow's jobs are decided.
 */

/** One job of a flow, as its state machine runs it. */
export interface FlowJob {
  /** The job node's name; also the name of its ASL Task state. */
  name: string;
  /** `job`: a Lambda function invoked by the state machine; `glueJob`: a Glue job run to completion. */
  kind: 'job' | 'glueJob';
  /** How long one attempt may run before it fails with `States.Timeout`. */
  timeoutSeconds: number;
  /** The user's retries of a failed job (after AWS's transient errors, which are always retried). */
  retry: { attempts: number; intervalSeconds: number; backoffRate: number };
}

/**
 * One place a flow's outcome is published to (flow.to(topic), flow.to(notify)). A topic receives the
 * outcome as JSON, for programs; a notify node an email for people (a subject and a readable text).
 */
export interface FlowPublish {
  kind: 'topic' | 'notify';
  /** The topic or notify node's name. */
  name: string;
}

/** A flow, ordered: the input of `flowDefinition`. */
export interface FlowPlan {
  /** The pipeline's name. */
  pipeline: string;
  /** The flow node's name. */
  flow: string;
  /** Topological levels: every job of level i+1 reads a stage written by a job of a level <= i. Jobs of one level run in parallel. */
  levels: FlowJob[][];
  /** Where each execution's outcome is published: every outgoing topic and notify node, in edge order. */
  publishes: FlowPublish[];
  /**
   * The AWS stage the state machine is deployed to (synth); absent on the local engine. Only the
   * emails' `sluice executions` command uses it (`--stage NAME`, and the execution's ARN as its id).
   */
  stage?: string;
  /** How long a whole execution may run; unset: Step Functions' own limit (one year). */
  timeoutSeconds?: number;
}
