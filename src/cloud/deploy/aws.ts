/**
 * One AWS session per command: the region and endpoint of the usual credentials chain (`AWS_PROFILE`,
 * `AWS_ACCESS_KEY_ID`, SSO, instance roles...; `AWS_ENDPOINT_URL` for emulators such as moto), the
 * SDK v3 clients created on first use, and the account id from STS. Every client has short connect
 * timeouts, so an endpoint that does not answer fails in seconds with a message, not minutes.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { explainAwsError, type Target } from './errors.js';

/** The clients a session hands out. */
export interface AwsClients {
  cloudformation: CloudFormationClient;
  s3: S3Client;
  sts: STSClient;
  logs: CloudWatchLogsClient;
  lambda: LambdaClient;
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  sfn: SFNClient;
}

/** Options of `openSession`. */
export interface SessionOptions {
  /** The environment to read AWS_* from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Clients to use instead of real ones (tests). */
  clients?: Partial<AwsClients>;
}

/** The caller: account and ARN, from STS GetCallerIdentity. */
export interface Identity {
  account: string;
  arn: string;
}

// The SDK warns on every run under Node 20 that releases after January 2027 will need Node 22. The
// versions sluice depends on support Node 20 (package.json engines), so the warning only adds noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A request unanswered for a minute fails (and is retried), rather than only logging a warning and
// waiting for ever on an endpoint that stopped answering.
const REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true };

/** An AWS session: region, endpoint, identity and clients. */
export class AwsSession implements Target {
  private readonly made = new Map<keyof AwsClients, unknown>();
  private identityPromise: Promise<Identity> | undefined;

  constructor(
    readonly region: string,
    /** `AWS_ENDPOINT_URL`, when requests go to an emulator. */
    readonly endpoint: string | undefined,
    private readonly injected: Partial<AwsClients> = {},
  ) {}

  /** The client for a service, made once. */
  client<K extends keyof AwsClients>(service: K): AwsClients[K] {
    const given = this.injected[service];
    if (given) return given as AwsClients[K];
    let client = this.made.get(service) as AwsClients[K] | undefined;
    if (!client) {
      const config = this.clientConfig();
      const make: { [S in keyof AwsClients]: () => AwsClients[S] } = {
        cloudformation: () => new CloudFormationClient(config),
        // Emulators answer on one host name: S3 needs path-style addressing there.
        s3: () => new S3Client({ ...config, forcePathStyle: Boolean(this.endpoint) }),
        sts: () => new STSClient(config),
        logs: () => new CloudWatchLogsClient(config),
        lambda: () => new LambdaClient(config),
        // Queue URLs name AWS's host; an emulator answers at its own endpoint.
        sqs: () => new SQSClient({ ...config, ...(this.endpoint ? { useQueueUrlAsEndpoint: false } : {}) }),
        sns: () => new SNSClient(config),
        dynamodb: () => new DynamoDBClient(config),
        sfn: () => new SFNClient(config),
      };
      client = make[service]();
      this.made.set(service, client);
    }
    return client;
  }

  /**
   * The configuration every client of the session gets (region, short timeouts, retries), for a
   * client the session does not make itself: one only a rare command needs, imported by that command.
   * @example const glue = new GlueClient(aws.clientConfig());
   */
  clientConfig(): { region: string; requestHandler: typeof REQUEST_HANDLER; maxAttempts: number } {
    return { region: this.region, requestHandler: REQUEST_HANDLER, maxAttempts: 3 };
  }

  get cloudformation(): CloudFormationClient { return this.client('cloudformation'); }
  get s3(): S3Client { return this.client('s3'); }
  get logs(): CloudWatchLogsClient { return this.client('logs'); }
  get lambda(): LambdaClient { return this.client('lambda'); }
  get sqs(): SQSClient { return this.client('sqs'); }
  get sns(): SNSClient { return this.client('sns'); }
  get dynamodb(): DynamoDBClient { return this.client('dynamodb'); }
  get sfn(): SFNClient { return this.client('sfn'); }

  /** Who we are: checks the credentials on first call. */
  identity(): Promise<Identity> {
    this.identityPromise ??= (async () => {
      try {
        const out = await this.client('sts').send(new GetCallerIdentityCommand({}));
        return { account: out.Account!, arn: out.Arn ?? '' };
      } catch (error) {
        throw explainAwsError(error, 'checking the AWS credentials (STS GetCallerIdentity)', this);
      }
    })();
    return this.identityPromise;
  }

  /** The partition's domain for S3 URLs. */
  get urlSuffix(): string {
    return this.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  }

  /** Wrap an SDK call so failures become messages with the fix. */
  async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw explainAwsError(error, doing, this);
    }
  }
}

/**
 * Open a session: resolve the region (AWS_REGION, AWS_DEFAULT_REGION, then the profile) and note the
 * endpoint. Credentials are checked on the first call that needs them (`identity()`).
 * @throws DeployError SLUICE_E_DEPLOY_REGION when no region is configured anywhere.
 * @example const aws = await openSession(); const { account } = await aws.identity();
 */
export async function openSession(options: SessionOptions = {}): Promise<AwsSession> {
  const env = options.env ?? process.env;
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  let region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region && !options.clients?.sts) {
    try {
      // The SDK's own chain: the profile's region in ~/.aws/config.
      region = await new STSClient({}).config.region();
    } catch (error) {
      throw explainAwsError(error, 'finding the AWS region', { endpoint });
    }
  }
  if (!region) throw explainAwsError(new Error('Region is missing'), 'finding the AWS region', { endpoint });
  return new AwsSession(region, endpoint, options.clients);
}
