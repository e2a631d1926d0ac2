/**
 * `sluice lineage <bucket> <key> --stage NAME`: the walk of src/envelope/lineage.ts over a deployed
 * stage. The object's `ingestion-id` comes from its S3 user metadata (HeadObject), each ingestion step
 * from the stage's lineage table (`<pipeline>-<stage>-sluice-lineage`, one item per execution, keyed
 * by `ingestionId`), written by every deployed step with lineage on.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { InputError } from '../../model/errors.js';
import { INGESTION_ID_METADATA, noLineageMessage, walkLineageAsync, type Lineage } from '../../envelope/lineage.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import { explainAwsError, isNotFound } from '../deploy/errors.js';
import { lineageTableName } from '../synth/names.js';
import type { RemoteStage } from './stage.js';

/**
 * The lineage of an object in a deployed stage.
 * @example const chain = await remoteLineage(await RemoteStage.open(pipe, 'dev'), 'lake', key);
 */
export async function remoteLineage(stage: RemoteStage, bucket: string, key: string): Promise<Lineage> {
  const physical = stage.physical(bucket, 'bucket', 'Bucket');
  let metadata: Record<string, string> | undefined;
  try {
    metadata = (await stage.aws.s3.send(new HeadObjectCommand({ Bucket: physical, Key: key }))).Metadata;
  } catch (error) {
    if (isNotFound(error)) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (${physical}); list the bucket with: sluice ls ${bucket} --stage ${stage.stage}`);
    throw explainAwsError(error, `reading the metadata of '${key}' in bucket '${bucket}'`, stage.aws);
  }
  const id = metadata?.[INGESTION_ID_METADATA];
  if (!id) throw new InputError('SLUICE_E_NO_LINEAGE', noLineageMessage(bucket, key));
  const table = lineageTableName(stage.pipeline.name, stage.stage);
  const documents = DynamoDBDocumentClient.from(stage.aws.dynamodb);
  return walkLineageAsync(bucket, key, id, async (ingestionId) => {
    try {
      const out = await documents.send(new GetCommand({ TableName: table, Key: { ingestionId } }));
      return out.Item as IngestionStep | undefined;
    } catch (error) {
      if (isNotFound(error)) throw new InputError('SLUICE_E_NO_LINEAGE', `stage '${stage.stage}' has no lineage table '${table}': no deployed step records lineage, or the stage was deployed by an older sluice; redeploy with: sluice deploy --stage ${stage.stage}`);
      throw explainAwsError(error, `reading ingestion step ${ingestionId} from the lineage table '${table}'`, stage.aws);
    }
  });
}
