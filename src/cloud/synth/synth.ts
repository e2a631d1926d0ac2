/**
 * Pipeline -> CloudFormation. Validates first (the model's rules plus what only synthesis can see:
 * names too long for the stage, settings AWS rejects), reads each handler's options (importing it
 * once), bundles the handlers, asks each kind's module for its resources, adds the stores the
 * components need (`stores.ts`), and returns one template, or a root template and nested templates
 * when the pipeline is larger than CloudFormation allows. Nothing is written here (see `write.ts`),
 * and the same pipeline always gives byte-identical templates.
 */
import { join } from 'node:path';
import { PipelineValidationError, type Problem } from '../../model/errors.js';
import type { Fn } from '../../model/fn.js';
import type { Pipeline } from '../../model/pipeline.js';
import { buildAssets, type FunctionAsset } from './assets.js';
import { buildGlueAssets, type FileAsset } from './file-assets.js';
import { SynthContext, type ExternalNodes, type Removal } from './context.js';
import { planEncryption, synthesizeKey } from './encryption.js';
import { ASSET_PARAMETERS } from './kinds/fn.js';
import { nameProblems, stackName, stageProblems } from './names.js';
import { exceedsLimits, LIMITS, splitIntoNestedStacks, templateText, type Limits, type NestedTemplate } from './nested.js';
import { KIND_SYNTH } from './registry.js';
import { handlerOptionsOf, type HandlerOptions } from './handler-options.js';
import { storeProblems, synthesizeStores } from './stores.js';
import type { Output, Parameter, Resource, Template } from './template.js';

/** Options of `synth` and `synthesize`. */
export interface SynthOptions {
  /** The stage: part of every physical name and of the stack name `${pipeline}-${stage}`. */
  stage: string;
  /** Where handler bundles are cached. @default `.sluice/cache` in the working directory */
  cacheDir?: string;
  /** Days function logs are kept; one of CloudWatch's allowed values. @default 30 */
  logRetentionDays?: number;
  /** `retain` keeps buckets and tables (and their data) when the stack is deleted; `destroy` removes them. @default 'retain' */
  removal?: Removal;
  /** Per-template limits; lower values split into nested stacks sooner (tests use this). @default CloudFormation's */
  limits?: Partial<Limits>;
  /**
   * Nodes of another stage this stack reads and never creates or changes (a branch's upstream, read
   * from main): not synthesized, named in their own stage, their edges not wired, read grants only.
   * @default none
   */
  external?: ExternalNodes;
}

/** A synthesized pipeline in one stage. */
export interface Synthesis {
  pipeline: string;
  stage: string;
  stackName: string;
  /** The template to deploy (the root, when split). */
  template: Template;
  /** Its text, as written to disk. */
  text: string;
  /** Nested stack templates, when the pipeline exceeds one template's limits. */
  nested: NestedTemplate[];
  /** Function bundles (functions and jobs), one per distinct handler, by content hash. */
  assets: FunctionAsset[];
  /** Files uploaded as they are (Glue scripts and their extra files), one per distinct content and name. */
  files: FileAsset[];
}

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Synthesize a pipeline for a stage: the template, nested templates and assets, without writing.
 * @throws PipelineValidationError listing every problem, before anything is built.
 * @example const { template, nested } = await synthesize(pipe, { stage: 'dev' });
 */
export async function synthesize(pipe: Pipeline, options: SynthOptions): Promise<Synthesis> {
  const settings = { logRetentionDays: options.logRetentionDays ?? 30, removal: options.removal ?? 'retain' };
  const problems = [...pipe.validate(), ...stageProblems(pipe.name, options.stage)];
  if (!LOG_RETENTION_DAYS.includes(settings.logRetentionDays)) {
    problems.push({ code: 'SLUICE_E_LOG_RETENTION', node: pipe.name, field: 'logRetentionDays', message: `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')} (given ${settings.logRetentionDays})` });
  }
  // Names are always checked; each kind's own rules need a pipeline the model accepts.
  const valid = problems.length === 0;
  const own = (node: { name: string }) => !options.external?.nodes.has(node.name);
  const fns = [...pipe.nodes.values()].filter((n): n is Fn => n.kind === 'fn' && own(n));
  // Deliveries from external nodes are the other stage's wiring: they need nothing of this stack's key.
  const ownEdges = pipe.edges.filter((e) => own(e.from));
  // Which stores, grants and variables a function gets depends on its handler's options.
  const cacheDir = options.cacheDir ?? join(process.cwd(), '.sluice', 'cache');
  const handlers = valid ? await handlerOptionsOf(fns, cacheDir) : new Map<string, HandlerOptions>();
  const planning = new SynthContext(pipe, options.stage, KIND_SYNTH, planEncryption(pipe, ownEdges), new Map(), settings, undefined, handlers, undefined, options.external);
  problems.push(...synthProblems(planning, valid));
  if (problems.length > 0) throw new PipelineValidationError(pipe.name, problems);

  const assets = await buildAssets([...fns, ...pipe.nodesOf('job').filter(own)], { cacheDir });
  const glueAssets = buildGlueAssets(pipe.nodesOf('glueJob').filter(own));
  const ctx = new SynthContext(pipe, options.stage, KIND_SYNTH, planning.encryption, assets, settings, planning.grantCache, handlers, glueAssets, options.external);
  synthesizeKey(ctx);
  for (const node of pipe.nodes.values()) if (own(node)) KIND_SYNTH[node.kind].synthesize(node as never, ctx);
  synthesizeStores(ctx);
  if (ctx.collisions.length) throw new PipelineValidationError(pipe.name, ctx.collisions);

  const description = `${pipe.props.description ? `${pipe.props.description} ` : ''}(sluice pipeline '${pipe.name}', stage '${options.stage}')`;
  const metadata = { 'sluice:pipeline': pipe.name, 'sluice:stage': options.stage };
  const parameters: Record<string, Parameter> = {
    [ASSET_PARAMETERS.bucket]: { Type: 'String', Description: 'S3 bucket holding function bundles, Glue scripts and nested templates (uploaded by sluice deploy)' },
    [ASSET_PARAMETERS.prefix]: { Type: 'String', Description: 'Key prefix of the assets in that bucket', Default: 'sluice-assets/' },
  };
  const resources: Record<string, Resource> = {};
  for (const [id, { resource }] of ctx.resources) resources[id] = resource;
  const outputs: Record<string, Output> = {};
  for (const [id, { output }] of ctx.outputs) outputs[id] = output;
  const single: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: description,
    Metadata: metadata,
    ...(assets.size || glueAssets.size ? { Parameters: parameters } : {}),
    Resources: resources,
    ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
  };
  const unique = [...new Map([...assets.values()].map((a) => [a.hash, a])).values()];
  const files = [...new Map([...glueAssets.values()].flatMap((g) => [g.script, ...g.extraFiles]).map((f) => [f.key, f])).values()].sort((a, b) => a.key.localeCompare(b.key));
  const base = { pipeline: pipe.name, stage: options.stage, stackName: stackName(pipe.name, options.stage), assets: unique, files };
  // Counting first spares stringifying thousands of resources only to learn they do not fit.
  const limits: Limits = { ...LIMITS, ...options.limits };
  const tooMany = Object.keys(resources).length > limits.resources || Object.keys(outputs).length > limits.outputs;
  const text = tooMany ? '' : templateText(single);
  if (!tooMany && !exceedsLimits(single, text, limits)) return { ...base, template: single, text, nested: [] };
  const { root, nested } = splitIntoNestedStacks({
    description,
    metadata,
    parameters,
    resources: ctx.resources,
    outputs: ctx.outputs,
    tags: ctx.tags(),
    assets: ASSET_PARAMETERS,
  }, limits);
  return { ...base, template: root, text: templateText(root), nested };
}

/**
 * Synthesize a pipeline for a stage and return the template (the root template when split).
 * @example
 * const template = await synth(pipe, { stage: 'dev' });
 * template.Resources.CopyRole.Properties.Policies[0].PolicyDocument.Statement
 */
export async function synth(pipe: Pipeline, options: SynthOptions): Promise<Template> {
  return (await synthesize(pipe, options)).template;
}

/** Problems only synthesis can find: physical names for this stage, and each kind's own rules. */
function synthProblems(ctx: SynthContext, withKindRules: boolean): Problem[] {
  const problems: Problem[] = [];
  const stack = ctx.stackName;
  if (stack.length > 128) {
    problems.push({ code: 'SLUICE_E_NAME_TOO_LONG', node: ctx.pipe.name, field: 'name', message: `stack name '${stack}' is ${stack.length} characters, over CloudFormation's 128; shorten the pipeline or stage name` });
  }
  for (const node of ctx.pipe.nodes.values()) {
    const synth = KIND_SYNTH[node.kind];
    if (!synth || ctx.isExternal(node)) continue;
    problems.push(...nameProblems(synth.names(node as never, ctx), ctx.pipe.name, ctx.stage));
    if (withKindRules) problems.push(...synth.problems(node as never, ctx));
  }
  if (withKindRules) problems.push(...storeProblems(ctx));
  return problems;
}
