/**
 * The message envelope (Pylon's schema, version 1), its object types, the offload rule for large
 * bodies, ingestion steps (lineage) and data assets. Pure apart from zod/mini: no I/O, no AWS SDK.
 */
export { ENVELOPE_VERSION } from './version.js';
export { EnvelopeError, describeIssue, issuePath, preview, type SchemaIssue } from './errors.js';
export { envelopeWireSchema, dataAssetNameSchema, countrySchema, type EnvelopeWire } from './schema.js';
export {
  objectType, lookupObjectType, knownObjectTypes, BUILT_IN_OBJECT_TYPES,
  type ObjectType, type BuiltInObjectType, type UrlResource, type UpdateNotification, type StandardSchemaV1, type StandardResult, type InferOutput,
} from './object-types.js';
export {
  looksLikeEnvelope, parseEnvelope, inlineBody, payloadBody, payloadBytes, validateBody, standardValidate, wireOf, envelopeAttributes,
  isJsonMime, isTextMime, defaultMimeType, unknownObjectType, type Envelope, type EnvelopeDraft,
} from './codec.js';
export { mustOffload, sizeOnPath, s3Path, parseS3Path, payloadKey, payloadBucketName, SNS_WRAP_OVERHEAD, type MessagePath } from './offload.js';
export { walkLineage, walkLineageSync, walkLineageAsync, describeIngestionInput, noLineageMessage, INGESTION_ID_METADATA, type Lineage } from './lineage.js';
export { newIngestionId, timeDimensions, ingestionStepSchema, type IngestionStep, type IngestionInput, type IngestionOutput } from './ingestion-step.js';
export { validateDataAsset, partitionsOf, dataAssetSchema, issuesError, type DataAsset, type DataAssetPartition, type PartitionValue } from './data-asset.js';
