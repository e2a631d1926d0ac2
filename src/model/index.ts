/**
 * The model: node kinds, edges, pipelines and their validation. Pure: no I/O, no AWS SDK.
 */
export * from './node.js';
export * from './errors.js';
export * from './duration.js';
export * from './kind.js';
export * from './kinds.js';
export * from './bucket.js';
export * from './fn.js';
export * from './secret.js';
export * from './queue.js';
export * from './topic.js';
export * from './table.js';
export * from './schedule.js';
export * from './comprehend.js';
export * from './notify.js';
export * from './pipeline.js';
export * from './permissions.js';
export * from './edges.js';
export * from './lookup.js';
export * from './resources.js';
export * from './visibility.js';
