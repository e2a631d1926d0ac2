/**
 * Deploying pipelines to AWS: `deploy`, `diff`, `destroy`, `stageStatus` and `readLogs`, over one
 * `AwsSession` (the usual credentials chain, `AWS_ENDPOINT_URL` for emulators), with every failure a
 * `DeployError` whose `SLUICE_E_DEPLOY_*` code and message name the fix.
 *
 * @example
 * import { deploy, destroy } from './cloud/deploy/index.js';
 * await deploy(pipe, { stage: 'dev', cacheDir: '.sluice/cache', yes: true });
 * await destroy(pipe, { stage: 'dev', yes: true });
 */
export { openSession, AwsSession, type AwsClients, type SessionOptions, type Identity } from './aws.js';
export { DeployError, DEPLOY_CODES, explainAwsError, type ResourceFailure } from './errors.js';
export { deploy, diff, deleteStack, type DeployOptions, type DeployPlan, type DeployResult } from './deploy.js';
export { destroy, emptyBucket, type DestroyOptions, type DestroyPlan, type DestroyResult } from './destroy.js';
export { deployedNodes, type DeployedNode, type NodeResource } from './deployed.js';
export { readLogs, sinceMs, type LogLine } from './logs.js';
export { assetsBucketName, ensureAssetsBucket, SUPERSEDED_TAG } from './assets-bucket.js';
export { assetsPrefix, filesOf, publish } from './publish.js';
export { describeStack, stackResources, stackState, type StackState, type DeployedResource } from './stack.js';
export type { PlannedChange } from './changeset.js';
export type { StackEvent } from './events.js';
