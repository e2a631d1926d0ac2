/**
 * Synthesis: a sluice pipeline -> a least-privilege, secure-by-default CloudFormation template (split
 * into nested stacks when it outgrows one), plus the content-hashed function bundles it deploys.
 *
 * @example
 * import { synthesize, writeSynthesis } from './cloud/synth/index.js';
 * const s = await synthesize(pipe, { stage: 'dev' });
 * writeSynthesis(s, { outDir: '.sluice/synth' });
 */
export { synth, synthesize, type SynthOptions, type Synthesis } from './synth.js';
export { writeSynthesis, summarize, templateYaml, type TemplateFormat, type SynthSummary, type AssetEntry, type WrittenSynthesis } from './write.js';
export { flatten, LIMITS, type NestedTemplate } from './nested.js';
export { auditTemplate, type Finding } from './audit.js';
export { SynthError } from './errors.js';
export { SLUICE_ENV, type Binding } from './bindings.js';
export { payloadBucketName, lineageTableName, idempotencyTableName } from './names.js';
export { handlerOptionsOf, type HandlerOptions } from './handler-options.js';
export { KIND_SYNTH, type KindRegistry } from './registry.js';
export type { Template, Resource, Statement, PolicyDocument } from './template.js';
