/**
 * The catalogue of sluice's error codes (`SLUICE_E_*`, part of the public API: users branch on them).
 * One entry per code: the area that raises it, what it means (covering every place it is raised) and
 * how to fix it. Entries are grouped by area, in the order of `ErrorArea` (a pipeline's life:
 * declared, handlers loaded, run, messages, data commands, synthesized, deployed, running on Lambda,
 * the CLI around it all). Every error class takes an `ErrorCode`, so a code not listed here does not
 * compile; docs/errors.md is rendered from this table (`npm run docs:errors`, checked by a test).
 */

/** Where or when an error is raised. */
export type ErrorArea =
  /** Validating a pipeline (its nodes, edges and props), before it runs or synthesizes. */
  | 'pipeline'
  /** Loading a function's handler file, or a handler's own declaration (`component()` and friends). */
  | 'handler'
  /** A step running (locally or on Lambda), the local engine and the test harness. */
  | 'run'
  /** Message envelopes, their bodies, object types, data assets and offloaded payloads. */
  | 'envelope'
  /** Data commands on a stage (put, ls, cat, send, dlq, lineage, worker), local or on AWS. */
  | 'stage'
  /** Synthesizing the CloudFormation template for a stage. */
  | 'synth'
  /** Deploying, diffing, inspecting and destroying a stage on AWS. */
  | 'deploy'
  /** Importing existing Glue jobs and state machines as pipeline code (`sluice import`). */
  | 'import'
  /** The Lambda runtime environment of a deployed function. */
  | 'runtime'
  /** Command-line usage, and errors the CLI reports for what has no code of its own. */
  | 'cli';

/** Every error code sluice raises, with what it means and how to fix it. */
export const ERROR_CODES = {
  // ---------------------------------------------------------------- pipeline
  SLUICE_E_BATCH_SIZE: {
    area: 'pipeline',
    meaning: "an edge's batchSize is not a whole number from 1 to 10000",
    fix: 'set batchSize to a whole number from 1 to 10000',
  },
  SLUICE_E_BATCH_WINDOW: {
    area: 'pipeline',
    meaning: "an edge's maxBatchingWindow is not a duration from 0 to 300 seconds, or is under 1 second while batchSize is over 10 (which Lambda rejects)",
    fix: "set maxBatchingWindow within 0..300 s, and to at least '1s' when batchSize is over 10",
  },
  SLUICE_E_DUPLICATE_NAME: {
    area: 'pipeline',
    meaning: 'two different nodes of a pipeline share a name, or have names that differ only in case',
    fix: 'give every node a name of its own that stays unique when case is ignored',
  },
  SLUICE_E_DURATION: {
    area: 'pipeline',
    meaning: "a value given as a duration (a queue's visibilityTimeout, delay or retention, a function's timeout, or the argument of localPipeline().advance()) is neither a number of seconds nor a string like '30s' or '5m'",
    fix: "give the duration as a number of seconds or a string like '30s', '5m', '2h'",
  },
  SLUICE_E_EDGE_DUPLICATE: {
    area: 'pipeline',
    meaning: 'the same edge (same from and to nodes) is declared more than once with different options',
    fix: 'declare each edge once, with one set of options',
  },
  SLUICE_E_EDGE_KIND: {
    area: 'pipeline',
    meaning: 'an edge connects two kinds of node that cannot be connected directly (e.g. bucket -> bucket, fn -> fn, fn -> table)',
    fix: 'put the node the message suggests between them (a function, queue or topic), or declare table access with .reads()/.writes()',
  },
  SLUICE_E_EDGE_OPTION: {
    area: 'pipeline',
    meaning: "an edge has an option its kind of edge does not take, or a filterPolicyScope other than 'MessageAttributes' or 'MessageBody'",
    fix: "remove the options the edge does not take, and set filterPolicyScope to 'MessageAttributes' or 'MessageBody'",
  },
  SLUICE_E_IAM_WILDCARD: {
    area: 'pipeline',
    meaning: "a key prefix that becomes part of an IAM grant (an edge's keyPrefix, or the prefix of a bucket -> fn trigger, which scopes the function's reads) holds * or ?, which IAM reads as wildcards, so the grant would reach more keys than the prefix",
    fix: 'use a prefix without * and ? (S3 keys may hold them, but no grant can be scoped to them)',
  },
  SLUICE_E_FILTER_POLICY: {
    area: 'pipeline',
    meaning: "a topic subscription's filterPolicy is one SNS would reject: not a JSON object, malformed rules, empty objects or arrays, over 5 keys, over 256 KB, too complex, or nested under MessageAttributes scope",
    fix: "fix the filter policy at the field the message names, within SNS's filter-policy syntax and limits",
  },
  SLUICE_E_FN_CONCURRENCY: {
    area: 'pipeline',
    meaning: "a function's concurrency is outside 1..1000",
    fix: 'set concurrency to a whole number from 1 to 1000, or leave it unset',
  },
  SLUICE_E_FN_CONFIG: {
    area: 'pipeline',
    meaning: "a function's config or a stageConfig entry is not an object of JSON values and secret() references, stageConfig is not an object, or a stageConfig key is not a valid stage name",
    fix: "make config and each stageConfig entry an object of JSON values or secret('/path'), keyed by stage names of lower-case letters, digits and hyphens",
  },
  SLUICE_E_FN_EVENT_AGE: {
    area: 'pipeline',
    meaning: "a function's maxEventAge is outside 60..21600 seconds (1 minute to 6 hours)",
    fix: "set maxEventAge between '1m' and '6h', or leave it unset",
  },
  SLUICE_E_FN_HANDLER: {
    area: 'pipeline',
    meaning: 'a function\'s or job\'s handler is not given (neither a path nor a URL)',
    fix: 'set handler to the path of the handler file, e.g. fn(\'copy\', { handler: \'./handlers/copy.ts\' })',
  },
  SLUICE_E_FN_MEMORY: {
    area: 'pipeline',
    meaning: "a function's or job's memory is outside 128..10240 MB",
    fix: 'set memory to a number of MB from 128 to 10240',
  },
  SLUICE_E_FN_RETRY: {
    area: 'pipeline',
    meaning: "a function's retryAttempts is outside 0..2",
    fix: 'set retryAttempts to 0, 1 or 2',
  },
  SLUICE_E_FN_TIMEOUT: {
    area: 'pipeline',
    meaning: "a function's or job's timeout is outside 1..900 seconds (or is not a duration at all)",
    fix: "set timeout between 1 s and '15m'",
  },
  SLUICE_E_FLOW: {
    area: 'pipeline',
    meaning: "a flow's jobs list is empty or holds something that is not a job, or its overlap or timeout is invalid",
    fix: "list job(...) and glueJob(...) nodes once each: flow('nightly', [extract, clean]); overlap is 'refuse' or 'queue'",
  },
  SLUICE_E_FLOW_CYCLE: {
    area: 'pipeline',
    meaning: "a flow's jobs wait for each other in a cycle (each reads a stage another of them writes)",
    fix: 'write a new stage instead of one an earlier job of the flow reads',
  },
  SLUICE_E_FLOW_JOB: {
    area: 'pipeline',
    meaning: 'a job is in no flow (nothing would run it) or in two flows',
    fix: 'list each job in exactly one flow; declare a second job to run the same handler in another flow',
  },
  SLUICE_E_GLUE_JOB: {
    area: 'pipeline',
    meaning: "a Glue job's props are outside what Glue accepts: script, type, glueVersion, workers, maxCapacity, timeout or arguments",
    fix: 'follow the message: it names the prop and the values Glue takes',
  },
  SLUICE_E_JOB_INPUT: {
    area: 'pipeline',
    meaning: 'a job reads no stage (no bucket edge leads into it)',
    fix: 'declare the bucket it reads: bucket.to(job)',
  },
  SLUICE_E_JOB_RETRY: {
    area: 'pipeline',
    meaning: "a job's retry is not { attempts: 0..10, interval: 1 s..1 h, backoff: 1..10 }",
    fix: "set retry like { attempts: 2, interval: '30s', backoff: 2 }",
  },
  SLUICE_E_LOOP: {
    area: 'pipeline',
    meaning: "the pipeline's edges form a cycle through which a function's outputs would re-trigger it forever",
    fix: 'break the cycle: route the output to another queue, topic or bucket, or write under a keyPrefix that the triggering edge\'s prefix filter excludes',
  },
  SLUICE_E_NODE_NAME: {
    area: 'pipeline',
    meaning: "a node's name breaks its kind's naming rule (allowed characters or maximum length)",
    fix: "rename the node within its kind's characters and length limit (the message states both)",
  },
  SLUICE_E_PIPELINE_INVALID: {
    area: 'pipeline',
    meaning: "a pipeline has one or more problems, listed in the error's problems (each with a code of its own), found when it is validated, started on the local engine (handler files included) or synthesized",
    fix: "fix every problem in the error's problems list, by each problem's own code",
  },
  SLUICE_E_PIPELINE_NAME: {
    area: 'pipeline',
    meaning: "a pipeline's name is not 2 to 40 lower-case letters, digits and hyphens starting with a letter and ending with a letter or digit",
    fix: 'rename the pipeline to 2-40 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen',
  },
  SLUICE_E_PIPELINE_PATH: {
    area: 'pipeline',
    meaning: "an item of pipeline()'s list of paths is neither a node nor a path",
    fix: "pass only nodes and paths built with .to(), e.g. pipeline('p', [raw.to(copy).to(curated)])",
  },
  SLUICE_E_QUEUE_DELAY: {
    area: 'pipeline',
    meaning: "a queue's delay is outside 0..900 seconds",
    fix: "set delay between 0 and '15m'",
  },
  SLUICE_E_QUEUE_MESSAGE_SIZE: {
    area: 'pipeline',
    meaning: "a queue's maxMessageSize is outside 1024..1048576 bytes",
    fix: 'set maxMessageSize from 1024 to 1048576 bytes, or leave it unset',
  },
  SLUICE_E_QUEUE_RECEIVE_COUNT: {
    area: 'pipeline',
    meaning: "a queue's maxReceiveCount is not a whole number from 1 to 1000",
    fix: 'set maxReceiveCount to a whole number from 1 to 1000',
  },
  SLUICE_E_QUEUE_RETENTION: {
    area: 'pipeline',
    meaning: "a queue's retention is outside 60..1209600 seconds (1 minute to 14 days)",
    fix: "set retention between '1m' and '14d'",
  },
  SLUICE_E_QUEUE_VISIBILITY: {
    area: 'pipeline',
    meaning: "a queue's visibilityTimeout is outside 0..43200 seconds, or below what its consumer needs",
    fix: "set visibilityTimeout within 0..43200 s, at least 6 x the consumer's timeout plus its batching window (or leave it unset)",
  },
  SLUICE_E_S3_FILTER: {
    area: 'pipeline',
    meaning: "a bucket notification's prefix or suffix is not a string, is over S3's length limit, contains '*' or a lone surrogate, or holds characters that never appear in a URL-encoded event key",
    fix: "write prefix and suffix as literal, URL-encoded key text within S3's length limit, without '*'",
  },
  SLUICE_E_S3_OVERLAP: {
    area: 'pipeline',
    meaning: "two notifications of one bucket have overlapping prefix and suffix filters, which S3 rejects",
    fix: 'give the edges disjoint prefix or suffix filters, or send the bucket to one topic and subscribe both targets to it',
  },
  SLUICE_E_SCHEDULE_EXPRESSION: {
    area: 'pipeline',
    meaning: "a schedule's expression is missing or is not a valid EventBridge rate() or cron() expression",
    fix: "give the schedule a valid expression, e.g. 'rate(5 minutes)' or 'cron(0 12 * * ? *)'",
  },
  SLUICE_E_SECRET_PATH: {
    area: 'pipeline',
    meaning: "a secret('/path') in a function's config or stageConfig is not a valid SSM parameter path, or starts with the reserved '/aws' or '/ssm'",
    fix: "use an SSM parameter path of segments of letters, digits, '_', '.' and '-', e.g. secret('/team/api-key'), not under /aws or /ssm",
  },
  SLUICE_E_TABLE_KEY: {
    area: 'pipeline',
    meaning: "a table has no partitionKey, a key attribute's name is not 1-255 characters or its type not 'S', 'N' or 'B', or sortKey names the same attribute as partitionKey",
    fix: "declare partitionKey (and an optional, different sortKey) with a 1-255 character name and type 'S', 'N' or 'B'",
  },
  SLUICE_E_TOPIC_MESSAGE_SIZE: {
    area: 'pipeline',
    meaning: 'a topic\'s maxMessageSize is outside 1024..1048576 bytes',
    fix: 'set maxMessageSize from 1024 to 1048576 bytes, or leave it unset',
  },

  // ---------------------------------------------------------------- handler
  SLUICE_E_HANDLER_EXPORT: {
    area: 'handler',
    meaning: "a handler module exports neither a default component()/source()/sink() nor a 'handler' function",
    fix: 'export the step from the handler file: export default component(async (input, ctx) => ...)',
  },
  SLUICE_E_HANDLER_LOAD: {
    area: 'handler',
    meaning: 'a function\'s handler file does not build, or throws while it is imported, on the local engine, while synthesizing or in sluice worker',
    fix: 'fix the handler file so it builds and imports without throwing (the message carries the cause)',
  },
  SLUICE_E_HANDLER_INIT_TIMEOUT: {
    area: 'handler',
    meaning: "a function's handler file did not finish loading (its imports and top-level code) within 10 seconds, Lambda's limit for a function's Init phase, on the local engine or while synthesizing",
    fix: 'move slow or endless work out of the top level of the handler file and into the step, or find the import that never finishes (a top-level await of a promise that never settles, a loop)',
  },
  SLUICE_E_HANDLER_MISSING: {
    area: 'handler',
    meaning: 'a function\'s or job\'s handler file (or a Glue job\'s script, extra file or local twin) does not exist where its path points (relative to the file that declares it), found when the local engine starts, by sluice nodes or while synthesizing',
    fix: 'create the handler file, or fix the path, which is relative to the file declaring the function',
  },
  SLUICE_E_STEP_OPTIONS: {
    area: 'handler',
    meaning: 'component(), source() or sink() was called with something other than a step function and an options object, or the options are invalid: config is not a Standard Schema, idempotencyKey is not a function, or idempotencyTtl is not a positive duration',
    fix: "pass config as a schema (e.g. z.object({...})), idempotencyKey as (input) => key and idempotencyTtl as a positive duration such as '1h'",
  },

  SLUICE_E_JOB_HANDLER: {
    area: 'handler',
    meaning: "job() was given something other than a function (ctx) => result, or a job's handler module does not export a job() as its default",
    fix: 'export the job from its handler file: export default job(async (ctx) => { ... })',
  },
  // ---------------------------------------------------------------- run
  SLUICE_E_EXECUTION_NAME: {
    area: 'run',
    meaning: 'a flow was triggered on the local engine with an execution name it already used (names are unique, as Step Functions requires)',
    fix: 'choose another execution name, or leave it out for a generated one',
  },
  SLUICE_E_GLUE_NO_LOCAL: {
    area: 'run',
    meaning: 'a flow was triggered on the local engine and one of its Glue jobs has no local twin to run in its place',
    fix: "give the Glue job a local twin (glueJob(name, { ..., local: './jobs/name.ts' })), or branch downstream of it so its output is read from the stage",
  },
  SLUICE_E_CONFIG: {
    area: 'run',
    meaning: 'a step\'s config fails its config schema when the step starts',
    fix: 'give the config key the message names a value its schema accepts',
  },
  SLUICE_E_CONFIG_ENV: {
    area: 'run',
    meaning: 'the SLUICE_CONFIG environment variable (locally or on Lambda) is not a JSON object',
    fix: `set SLUICE_CONFIG to a JSON object such as '{"batchSize": 10}', or unset it`,
  },
  SLUICE_E_CONFIG_MISSING: {
    area: 'run',
    meaning: 'a step without a config schema read a config key that is not set',
    fix: "set the key in fn(..., { config }), its stageConfig, SLUICE_CONFIG or .env, or declare a config schema to check it at start",
  },
  SLUICE_E_DOTENV: {
    area: 'run',
    meaning: "a line of the pipeline's .env file is not KEY=value, or opens a quote it never closes",
    fix: 'write each .env line as KEY=value, closing every quote it opens',
  },
  SLUICE_E_IDEMPOTENCY_IN_PROGRESS: {
    area: 'run',
    meaning: "an input's idempotency key is being processed by another invocation, so this invocation fails and the input is retried",
    fix: 'let the input be retried; if it keeps failing, find the invocation holding the key (it may have hung) and wait out its in-progress expiry',
  },
  SLUICE_E_ITEM_KEY: {
    area: 'run',
    meaning: "a table item or key given to ctx.table() is not an object, or a key attribute is missing or not of its declared type (S, N or B)",
    fix: "give items and keys as objects holding the table's key attributes, with values of their declared types",
  },
  SLUICE_E_ITEM_TOO_LARGE: {
    area: 'run',
    meaning: "a table item is over DynamoDB's 400 KB limit",
    fix: 'store large values in a bucket and keep their key in the item',
  },
  SLUICE_E_MESSAGE_ATTRIBUTES: {
    area: 'run',
    meaning: 'a message carries more attributes than its delivery allows (10 for an SQS queue, 10 for SNS raw delivery to a queue), an attribute name or value breaks SQS and SNS rules (SQS-09), or a value is not a string, number, string array or bytes',
    fix: 'send at most 10 message attributes, each a string, number, string array or bytes, and move the rest into the body',
  },
  SLUICE_E_MESSAGE_BODY: {
    area: 'run',
    meaning: 'a message body is empty (SQS needs at least one character)',
    fix: 'send a non-empty text body or a JSON value',
  },
  SLUICE_E_MESSAGE_DELAY: {
    area: 'run',
    meaning: "a message's delaySeconds is outside 0..900, or is set on a message that goes to a topic or a notify node (only queues take a delay)",
    fix: 'set delaySeconds within 0..900, and only on messages sent to queues',
  },
  SLUICE_E_MESSAGE_TOO_LARGE: {
    area: 'run',
    meaning: "a message exceeds the size limit of a queue or topic it goes to, or an envelope exceeds the limit on its path where no payload bucket exists to offload it",
    fix: 'send large bodies with ctx.envelope() (redeploy to create the payload bucket if it is missing), or write them to a bucket and send the key',
  },
  SLUICE_E_NOT_JSON: {
    area: 'run',
    meaning: 'ctx.json() was called on an input (object, message or event) whose body is not JSON',
    fix: 'read non-JSON bodies with ctx.text() or ctx.body(), or make the producer send JSON',
  },
  SLUICE_E_NO_TARGET: {
    area: 'run',
    meaning: 'a step returned an object but has no bucket downstream, or a message but no queue or topic downstream (or none with the name the output asked for)',
    fix: 'declare the edge for what the step returns, e.g. fn.to(bucket(...)) or fn.to(queue(...))',
  },
  SLUICE_E_OBJECT_BODY: {
    area: 'run',
    meaning: 'ctx.object() was given a body that is neither a string nor bytes',
    fix: 'pass the object body as a string or a Uint8Array/Buffer (JSON.stringify values first)',
  },
  SLUICE_E_OBJECT_KEY: {
    area: 'run',
    meaning: 'an object key is not 1 to 1024 bytes of valid Unicode text, or ctx.read() was given neither a bucket and a key nor an s3://bucket/key path',
    fix: "use object keys of 1 to 1024 bytes, and call ctx.read(bucket, key) or ctx.read('s3://bucket/key')",
  },
  SLUICE_E_PERMISSION: {
    area: 'run',
    meaning: 'a step used a bucket, queue, topic, table or secret that its function has no edge, declaration or config reference for',
    fix: "declare what the step uses: source.to(fn) or fn.reads(bucket) to read, fn.to(...) to write or send, fn.reads/writes(table), a secret('/path') in its config",
  },
  SLUICE_E_ROWS_PARSE: {
    area: 'run',
    meaning: "a job's ctx.rows read met a CSV record, JSON line or Parquet file it cannot parse",
    fix: 'fix the object, or for CSV pass { onMalformed: (row) => ... } to skip malformed records and count them',
  },
  SLUICE_E_ROWS_SCHEMA: {
    area: 'run',
    meaning: "rows written with ctx.rows.parquet.write do not fit the file's schema (a value of another type, a column not in the schema), or the schema or rowGroupSize option is invalid",
    fix: "convert the values, or give each column's type in { schema }, e.g. { id: 'INT64', name: 'STRING' }",
  },
  SLUICE_E_SECRET: {
    area: 'run',
    meaning: 'a step or job could not start because a secret its config references cannot be read: there is no secrets source, it is not set, or the SSM call failed',
    fix: 'create the secret (aws ssm put-parameter, or an entry in .sluice/secrets.json) and let the function\'s role read it',
  },
  SLUICE_E_SECRET_LEAK: {
    area: 'run',
    meaning: "a step tried to send a message or envelope holding a secret's value",
    fix: "send the secret's path instead and read it with ctx.secret() in the step that needs it",
  },
  SLUICE_E_SECRETS_FILE: {
    area: 'run',
    meaning: 'the local secrets file (.sluice/secrets.json, or SLUICE_SECRETS_FILE) is not JSON, or not an object of SSM paths to text values',
    fix: 'write the file as a JSON object such as { "/team/api-key": "value" }',
  },
  SLUICE_E_SINK_OUTPUT: {
    area: 'run',
    meaning: 'a sink() step returned messages, but a sink has no output topic',
    fix: 'return only objects (or nothing) from a sink, or make the step a component() to send messages',
  },
  SLUICE_E_STATE_DIR: {
    area: 'run',
    meaning: 'the local state folder (--state, or .sluice/local beside the pipeline) is a file, not a folder',
    fix: 'give --state a folder, which is created if it does not exist',
  },
  SLUICE_E_STATE_CORRUPT: {
    area: 'run',
    meaning: "the local state database (state.db) is damaged or is not a SQLite database; sluice leaves it untouched, since it is the user's data",
    fix: "move it aside (mv state.db state.db.damaged) to start with an empty state, or restore it from a copy",
  },
  SLUICE_E_STATE_LOCKED: {
    area: 'run',
    meaning: "another live sluice engine process holds the local state folder's lock",
    fix: 'stop the other engine, or give this one its own --state DIR',
  },
  SLUICE_E_STEP_RESULT: {
    area: 'run',
    meaning: 'a step returned something other than ctx.object/message/envelope/dataAsset outputs, result(...) or nothing, or result() was given metadata that is not an object',
    fix: 'return ctx.* outputs (alone or in arrays), result(outputs, metadata) with an object as metadata, or nothing',
  },

  // ---------------------------------------------------------------- envelope
  SLUICE_E_DATA_ASSET: {
    area: 'envelope',
    meaning: 'a value given or received as a data asset fails the data-asset schema',
    fix: 'fix the data asset\'s field the message names',
  },
  SLUICE_E_DATA_ASSET_EXPECTED: {
    area: 'envelope',
    meaning: 'the data asset writer received an envelope of another objectType',
    fix: 'filter the writer\'s subscription with { filterPolicy: { objectType: [\'dataAsset\'] } }',
  },
  SLUICE_E_ENVELOPE: {
    area: 'envelope',
    meaning: 'a message that is an envelope fails the envelope schema (including a base64 body that is not text)',
    fix: 'send envelopes with ctx.envelope() or a producer that follows the envelope schema, fixing the field the message names',
  },
  SLUICE_E_ENVELOPE_BODY: {
    area: 'envelope',
    meaning: "an envelope's body is not text, bytes or a JSON value, is not JSON where its objectType or payloadMimeType says it is, or fails its objectType's schema",
    fix: "send a body that matches its objectType's schema and payloadMimeType",
  },
  SLUICE_E_ENVELOPE_VERSION: {
    area: 'envelope',
    meaning: "an envelope's schemaVersion is newer than this sluice reads",
    fix: 'upgrade sluice in the consuming step to a version that reads the producer\'s envelope version',
  },
  SLUICE_E_OBJECT_TYPE: {
    area: 'envelope',
    meaning: 'an envelope names an objectType that is neither built in nor defined with objectType() in the consuming step',
    fix: 'define the type with objectType(\'name\') in a module both the producing and consuming steps import',
  },
  SLUICE_E_OBJECT_TYPE_NAME: {
    area: 'envelope',
    meaning: 'objectType() was given a name that is not valid, or the name of a built-in type',
    fix: 'name custom types with letters, digits, \'-\', \'_\' and \'.\', other than the built-in rawContent, urlResource, dataAsset and lambdaEvent',
  },
  SLUICE_E_PAYLOAD: {
    area: 'envelope',
    meaning: "an envelope's offloaded body cannot be read: its path is not s3://bucket/key, the runtime cannot read payloads, the payload no longer exists (consumed or expired), or the read failed",
    fix: "make sure the payload exists and is readable by the consuming function, and consume it before the payload bucket's lifecycle rule expires it",
  },

  // ---------------------------------------------------------------- stage
  SLUICE_E_FLOW_RUNNING: {
    area: 'stage',
    meaning: "a flow was triggered while an execution of it is running, and its overlap is 'refuse' (the default); the message names the running execution",
    fix: "wait for the running execution to end (sluice executions <flow>), stop it, or declare flow(..., { overlap: 'queue' }) to start the new one after it",
  },
  SLUICE_E_EXECUTION_UNKNOWN: {
    area: 'stage',
    meaning: 'an execution id or ARN names no execution of that flow on the stage',
    fix: 'list the executions of the flow with: sluice executions <flow> [--stage NAME], and use an id from there',
  },
  SLUICE_E_INVOKE_DELIVERS: {
    area: 'stage',
    meaning: 'a function on an AWS stage was invoked without deliver (--deliver): the deployed function writes its outputs itself, so sluice cannot keep them back as it does locally',
    fix: 'invoke it with --deliver to run the deployed function for real, or on the local stage to see its outputs without delivering them',
  },
  SLUICE_E_INVOKE_SOURCE: {
    area: 'stage',
    meaning: 'an invoke named an object or message that cannot reach the function: a bucket, queue or topic no edges lead from to it, a message for a function no queue or topic feeds, or one fed by several without saying which',
    fix: 'name a bucket, queue or topic upstream of the function (the message lists its inputs), with --from NODE when several feed it, or give the event itself with --event FILE',
  },
  SLUICE_E_NO_DLQ: {
    area: 'stage',
    meaning: 'dead letters were asked of a node that has none: only queues and functions have a dead-letter destination',
    fix: 'name a queue or a function of the pipeline',
  },
  SLUICE_E_NO_LINEAGE: {
    area: 'stage',
    meaning: 'lineage was asked of an object that carries no ingestion id: a root input (put from outside), or written by a step with lineage off',
    fix: 'ask for lineage of objects written by steps with lineage on; a root input has none',
  },
  SLUICE_E_NO_SUCH_KEY: {
    area: 'stage',
    meaning: 'an object was read or asked for that does not exist in the bucket',
    fix: 'check the key against a listing of the bucket (sluice ls BUCKET)',
  },
  SLUICE_E_UNKNOWN_NODE: {
    area: 'stage',
    meaning: 'a command or a test harness call named a node that is not in the pipeline, or one of a kind the operation cannot use (e.g. a bucket where a queue or topic is expected)',
    fix: 'name a node of the pipeline of the kind the operation takes (the message lists them)',
  },
  SLUICE_E_WORKER_NO_QUEUE: {
    area: 'stage',
    meaning: 'sluice worker was given a function that no queue feeds',
    fix: 'put a queue in front of the function (e.g. bucket.to(queue).to(fn)) and redeploy, or run a function that a queue feeds',
  },

  // ---------------------------------------------------------------- synth
  SLUICE_E_GLUE_FILE: {
    area: 'synth',
    meaning: "a Glue job's script or one of its extra files does not exist, or two of them share a file name (Glue copies them side by side)",
    fix: 'create the file or fix its path (relative to the file declaring the job), or rename one of the two files',
  },
  SLUICE_E_BUNDLE: {
    area: 'synth',
    meaning: "a function's handler fails to bundle for Lambda with esbuild",
    fix: 'fix the handler (and what it imports) so it builds with esbuild; the message carries the build errors',
  },
  SLUICE_E_FN_ENVIRONMENT: {
    area: 'synth',
    meaning: "a function's environment variable name is invalid or reserved (by Lambda, or SLUICE_*), or its environment would exceed Lambda's 4 KB",
    fix: 'rename the variable (a letter first, then letters, digits, underscores; no reserved names), or shrink the environment by splitting the function or moving large config values',
  },
  SLUICE_E_LOGICAL_ID: {
    area: 'synth',
    meaning: "two resources of the pipeline get the same CloudFormation logical id (node names that differ only in '-', '_' or '.')",
    fix: "rename one of the nodes so their names differ in more than '-', '_' or '.'",
  },
  SLUICE_E_LOG_RETENTION: {
    area: 'synth',
    meaning: 'the logRetentionDays synthesis option is not one of the values CloudWatch Logs accepts',
    fix: 'set logRetentionDays to one of the values the message lists (e.g. 30)',
  },
  SLUICE_E_NAME_CHARACTERS: {
    area: 'synth',
    meaning: "a node's physical name for a stage holds characters its AWS service rejects",
    fix: 'rename the node with the characters the message allows',
  },
  SLUICE_E_NAME_RESERVED: {
    area: 'synth',
    meaning: "a node's physical name or logical id is the one sluice gives the pipeline's own payload bucket, lineage table or idempotency table",
    fix: 'rename the node',
  },
  SLUICE_E_NAME_TOO_LONG: {
    area: 'synth',
    meaning: "a physical name (a node's resource, the stack or the payload bucket) would exceed AWS's length limit once the pipeline and stage names are added",
    fix: 'shorten the node, pipeline or stage name by the number of characters the message gives',
  },
  SLUICE_E_SECRET_IN_TEMPLATE: {
    area: 'synth',
    meaning: "a function's environment variable or config value for a stage looks like a secret and would be stored in the template in plain text",
    fix: "put the value in SSM Parameter Store and reference it with secret('/path') in config, reading it with ctx.secret()",
  },
  SLUICE_E_TOPIC_MESSAGE_SIZE_AWS: {
    area: 'synth',
    meaning: 'a topic\'s maxMessageSize differs from SNS\'s default of 262144 bytes, which CloudFormation\'s AWS::SNS::Topic cannot set, so the deployed topic would differ from the local one',
    fix: 'remove maxMessageSize from the topic; large bodies go through ctx.envelope(), which offloads them',
  },
  SLUICE_E_STAGE_NAME: {
    area: 'synth',
    meaning: 'a stage name is not lower-case letters, digits and hyphens starting and ending with a letter or digit',
    fix: 'name the stage with lower-case letters, digits and hyphens, such as dev or prod-eu',
  },
  SLUICE_E_TEMPLATE_LIMIT: {
    area: 'synth',
    meaning: 'the pipeline cannot be split into nested stacks within CloudFormation\'s limits: a node too large on its own, or a nested stack needing too many outputs',
    fix: 'spread a large node\'s wiring over more nodes and reduce references into one part of the pipeline',
  },

  // ---------------------------------------------------------------- deploy
  SLUICE_E_DEPLOY_ACCESS: {
    area: 'deploy',
    meaning: 'AWS denied the credentials access to an operation deploy, diff, destroy, status, logs or a data command needed',
    fix: 'use credentials allowed to manage CloudFormation, S3, IAM, Lambda, SQS, SNS, DynamoDB, EventBridge, KMS and CloudWatch Logs',
  },
  SLUICE_E_DEPLOY_ASSETS_BUCKET: {
    area: 'deploy',
    meaning: 'the assets bucket name sluice uses for the account and region belongs to (or was just taken by) another AWS account',
    fix: 'set SLUICE_ASSETS_BUCKET to a bucket name of your own and deploy again',
  },
  SLUICE_E_DEPLOY_AWS: {
    area: 'deploy',
    meaning: 'an AWS call failed for a reason sluice does not recognise (not credentials, region, network or access)',
    fix: "act on AWS's error name and message, which the message carries",
  },
  SLUICE_E_DEPLOY_BUSY: {
    area: 'deploy',
    meaning: "the stage's stack is being changed by another operation (an *_IN_PROGRESS state)",
    fix: 'wait for the other operation to finish (sluice status --stage NAME) and run the command again',
  },
  SLUICE_E_DEPLOY_CANCELLED: {
    area: 'deploy',
    meaning: 'the deploy or destroy was declined at the confirmation prompt; nothing was changed',
    fix: 'run the command again and confirm, or pass --yes',
  },
  SLUICE_E_DEPLOY_CONFIRM: {
    area: 'deploy',
    meaning: 'a deploy or destroy needs confirmation and there is no terminal to ask on',
    fix: 'rerun with --yes to go ahead without confirmation',
  },
  SLUICE_E_DEPLOY_CREDENTIALS: {
    area: 'deploy',
    meaning: 'no AWS credentials were found, or they have expired, or AWS rejected them',
    fix: "set or refresh credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, 'aws sso login'); for an emulator, any keys with AWS_ENDPOINT_URL",
  },
  SLUICE_E_DEPLOY_DESTROY_FAILED: {
    area: 'deploy',
    meaning: "the stage's stack could not be deleted",
    fix: 'read its events with sluice status --stage NAME, fix the cause and run sluice destroy again',
  },
  SLUICE_E_DEPLOY_ENDPOINT: {
    area: 'deploy',
    meaning: 'AWS (or the emulator at AWS_ENDPOINT_URL) could not be reached: connection refused, name not found, timeout or a similar network failure',
    fix: 'check the network and AWS_REGION, or start the emulator / fix AWS_ENDPOINT_URL (unset it to use AWS itself)',
  },
  SLUICE_E_DEPLOY_FAILED: {
    area: 'deploy',
    meaning: 'CloudFormation rejected the change set, or the stack update or creation failed (the failing resources and reasons are in failures)',
    fix: "fix the cause AWS reports for each failing resource and deploy again",
  },
  SLUICE_E_DEPLOY_NAME_TAKEN: {
    area: 'deploy',
    meaning: 'resource names the stack would create already exist outside the stack, in this account or (for S3 buckets) another; nothing was deployed',
    fix: 'delete the leftovers (or sluice destroy that stage), or choose another stage or pipeline name',
  },
  SLUICE_E_DEPLOY_NOT_DEPLOYED: {
    area: 'deploy',
    meaning: 'the stage, or the part of it a command needs (a node\'s resource, a function\'s log group, the lineage table), is not deployed',
    fix: 'deploy the current pipeline with sluice deploy --stage NAME',
  },
  SLUICE_E_DEPLOY_REGION: {
    area: 'deploy',
    meaning: 'no AWS region is configured (AWS_REGION, AWS_DEFAULT_REGION or the profile)',
    fix: 'set AWS_REGION (or AWS_DEFAULT_REGION, or region in your AWS profile), e.g. AWS_REGION=eu-west-1',
  },
  SLUICE_E_DEPLOY_STACK_STATE: {
    area: 'deploy',
    meaning: "the stage's stack is in a *_FAILED state and cannot be updated",
    fix: 'continue the rollback (aws cloudformation continue-update-rollback) for UPDATE_ROLLBACK_FAILED, otherwise sluice destroy the stage, then deploy again',
  },

  // ---------------------------------------------------------------- import
  SLUICE_E_IMPORT_ACCESS: {
    area: 'import',
    meaning: "AWS denied the credentials access to the Glue job (glue:GetJob), the state machine (states:DescribeStateMachine) or an S3 object (s3:GetObject) that sluice import reads",
    fix: 'use credentials (--profile, AWS_PROFILE) allowed glue:GetJob, states:DescribeStateMachine and s3:GetObject on the job\'s script and extra files',
  },
  SLUICE_E_IMPORT_ARN: {
    area: 'import',
    meaning: 'the argument of sluice import state-machine is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)',
    fix: "copy the state machine's ARN from the Step Functions console or 'aws stepfunctions list-state-machines'",
  },
  SLUICE_E_IMPORT_ASL: {
    area: 'import',
    meaning: "the state machine's definition is not Amazon States Language sluice can read: not JSON, no StartAt or States, or a Next, Default or StartAt naming a state that does not exist",
    fix: "check the definition in the Step Functions console (Workflow Studio validates it), or write the flow's jobs by hand",
  },
  SLUICE_E_IMPORT_FILE_EXISTS: {
    area: 'import',
    meaning: "a file sluice import would write (the job's script under jobs/, or an extra file under jobs/NAME/) already exists with different content",
    fix: 'move the file away, or pass --force to overwrite it with the deployed version',
  },
  SLUICE_E_IMPORT_NOT_FOUND: {
    area: 'import',
    meaning: "the Glue job (EntityNotFoundException), the state machine (StateMachineDoesNotExist) or an S3 object the job names (its script or an extra file) does not exist in the account and region the credentials reach",
    fix: "check the name or ARN and the account and region (--profile, --region, AWS_REGION): 'aws glue get-jobs' and 'aws stepfunctions list-state-machines' list what exists",
  },
  SLUICE_E_IMPORT_UNSUPPORTED: {
    area: 'import',
    meaning: "the Glue job is of a type glueJob() does not declare (gluestreaming, glueray), or its script is not Python (Scala), or its ScriptLocation is not an s3:// URL",
    fix: 'keep that job outside sluice (a flow can still run the jobs sluice imports), or rewrite it as a glueetl or pythonshell Python job',
  },
  // ---------------------------------------------------------------- runtime
  SLUICE_E_JOB_PAYLOAD: {
    area: 'runtime',
    meaning: "a job's Lambda function was invoked with something other than the state machine's payload { flow, job, execution, input }",
    fix: "start the job through its flow (sluice trigger <flow>), not by invoking its function directly",
  },
  SLUICE_E_BINDINGS: {
    area: 'runtime',
    meaning: "a deployed function's SLUICE_BINDINGS variable is not a JSON object (reported at cold start, with any other malformed variables)",
    fix: 'redeploy the stack, which sets SLUICE_BINDINGS',
  },
  SLUICE_E_ENVIRONMENT: {
    area: 'runtime',
    meaning: "a deployed function's SLUICE_VERSION, SLUICE_PAYLOAD_BUCKET, SLUICE_LINEAGE_TABLE or SLUICE_IDEMPOTENCY_TABLE variable is malformed",
    fix: 'redeploy the stack, which sets these variables (do not edit them by hand)',
  },
  SLUICE_E_IDEMPOTENCY: {
    area: 'runtime',
    meaning: 'a function with an idempotencyKey has no idempotency store: no SLUICE_IDEMPOTENCY_TABLE on Lambda, or a runtime that keeps no records',
    fix: 'redeploy the stack, which creates the idempotency table and sets SLUICE_IDEMPOTENCY_TABLE',
  },
  SLUICE_E_IDEMPOTENCY_STORE: {
    area: 'runtime',
    meaning: 'a call to the idempotency table failed (throttling, a missing grant); the input is retried',
    fix: 'let the input be retried; if it persists, check the table\'s throttling and the function\'s role',
  },
  SLUICE_E_LINEAGE: {
    area: 'runtime',
    meaning: 'lineage records stayed unprocessed by the lineage table after every retry (DynamoDB throttling); the invocation is retried',
    fix: "let the invocation be retried; if it persists, lower the function's concurrency or batch size (the lineage table is on-demand)",
  },
  SLUICE_E_NO_BINDING: {
    area: 'runtime',
    meaning: "a deployed function touched a node it has no binding for in SLUICE_BINDINGS",
    fix: 'declare the edge in the pipeline and redeploy',
  },
  SLUICE_E_STEP_CONFIG: {
    area: 'runtime',
    meaning: "a deployed function's SLUICE_STEP_CONFIG variable is not a JSON object",
    fix: 'redeploy the stack, which sets SLUICE_STEP_CONFIG',
  },
  SLUICE_E_EVENT: {
    area: 'runtime',
    meaning: 'a function received an event that is not an S3, SQS, SNS or EventBridge scheduled event (invoked by hand with another payload, a console test event, an unsupported trigger)',
    fix: 'invoke the function with the events of the edges it is wired to; test it with an event of that shape (AWS\'s sample events)',
  },

  // ---------------------------------------------------------------- cli
  SLUICE_E_ATTRIBUTE: {
    area: 'cli',
    meaning: 'an --attribute option is not name=value',
    fix: 'pass attributes as --attribute name=value',
  },
  SLUICE_E_ENTRY_EXPORT: {
    area: 'cli',
    meaning: 'the pipeline file exports no pipeline',
    fix: "end the pipeline file with: export default pipeline('name', [raw.to(step).to(out)])",
  },
  SLUICE_E_ENTRY_LOAD: {
    area: 'cli',
    meaning: 'the pipeline file throws or fails to compile while it is imported',
    fix: 'fix the pipeline file so it imports without throwing (the message carries the cause and the first stack lines)',
  },
  SLUICE_E_ENTRY_MISSING: {
    area: 'cli',
    meaning: 'the pipeline file given (or ./pipeline.ts by default) does not exist',
    fix: 'pass the pipeline file, e.g. sluice run path/to/pipeline.ts, or --entry FILE',
  },
  SLUICE_E_FILE_KIND: {
    area: 'cli',
    meaning: 'the path given to put (or run --put) is a FIFO, socket or device, not a file or a folder: reading it would wait for a writer or never end',
    fix: 'copy what it holds into a file and put that file',
  },
  SLUICE_E_FILE_MISSING: {
    area: 'cli',
    meaning: 'a file or folder to put into a bucket does not exist',
    fix: 'give the path of an existing file or folder',
  },
  SLUICE_E_INIT_NOT_EMPTY: {
    area: 'cli',
    meaning: "the folder sluice init was given already holds files (beyond what 'npm install sluice' writes into an empty folder: package.json with only dependencies, package-lock.json, node_modules/, and a .git/), or is a file",
    fix: 'give sluice init a new or empty folder, e.g. sluice init my-pipeline; nothing was written',
  },
  SLUICE_E_INTERNAL: {
    area: 'cli',
    meaning: 'a bug in sluice: an internal invariant broke (an InternalError), or an error without a code of its own reached the CLI',
    fix: 'report it with the command you ran and the error message',
  },
  SLUICE_E_INVOKE_INPUT: {
    area: 'cli',
    meaning: 'sluice invoke was given no event or more than one (--event, --object, --message), an --object that is not bucket/key, or an --event file that does not exist or is not JSON',
    fix: 'give exactly one of --event FILE (a JSON event), --object BUCKET/KEY or --message BODY',
  },
  SLUICE_E_OPTION: {
    area: 'cli',
    meaning: "a numeric option of sluice worker is out of range: --max-messages is not a whole number above 0, or --wait not whole seconds from 0 to 20",
    fix: 'pass --max-messages as a whole number above 0 and --wait as whole seconds from 0 to 20',
  },
  SLUICE_E_PUT_SPEC: {
    area: 'cli',
    meaning: 'a --put option of sluice run is not bucket=path',
    fix: 'pass --put bucket=path, e.g. --put raw=./data',
  },
  SLUICE_E_SINCE: {
    area: 'cli',
    meaning: 'the --since option of sluice logs is neither a duration nor an ISO date',
    fix: 'pass --since as a duration such as 10m, 2h, 1d, or an ISO date',
  },
  SLUICE_E_STAGE: {
    area: 'cli',
    meaning: 'a command that works on AWS stages only (synth, deploy, diff, destroy, logs, worker) got no --stage, or --stage local',
    fix: 'pass --stage NAME of an AWS stage, e.g. --stage dev',
  },
  SLUICE_E_SYNTH_FORMAT: {
    area: 'cli',
    meaning: 'the --format option of sluice synth is neither json nor yaml',
    fix: 'pass --format json or --format yaml',
  },
  SLUICE_E_USAGE: {
    area: 'cli',
    meaning: 'the command line is malformed (unknown command or option, missing argument); reported as JSON with this code only under --json',
    fix: 'correct the command line (sluice COMMAND --help shows the usage)',
  },
  // issue 15b: cost
  SLUICE_E_COST_EXPECTED: {
    area: 'pipeline',
    meaning: "a node's expected volume (its `expected` prop, read by sluice cost) has a field its kind does not take, or a rate, size, duration or count that does not parse",
    fix: "use the fields the message lists, with rates like '1M/month' or '10/day', sizes like '200KB' and durations like '250ms'",
  },
  SLUICE_E_COST_VOLUME: {
    area: 'cli',
    meaning: "a --volume option of sluice cost is not NODE=RATE with a rate like 1M/month, 10/day or a number a month",
    fix: 'pass --volume NODE=RATE, e.g. --volume raw=1M/month',
  },
  SLUICE_E_COST_NODE: {
    area: 'cli',
    meaning: 'a --volume option of sluice cost names a node the pipeline does not have',
    fix: 'name a node of the pipeline (sluice nodes lists them)',
  },
  SLUICE_E_COST_REGION: {
    area: 'cli',
    meaning: 'sluice cost was given a region that has no price table (shipped, or in the --prices file)',
    fix: 'pass one of the regions the message lists, or give a --prices FILE with a table for that region',
  },
  SLUICE_E_COST_PRICES: {
    area: 'cli',
    meaning: 'the --prices file of sluice cost cannot be read, is not JSON, or is not a price table (region, date, and lines with a price, a unit and a source each)',
    fix: 'give a file written by sluice cost prices --out, or one of the same shape (the message names the field at fault)',
  },
  SLUICE_E_COST_REFRESH: {
    area: 'cli',
    meaning: 'sluice cost prices --refresh could not read prices from the AWS Price List API: no credentials, access denied, or no answer',
    fix: 'configure AWS credentials allowed pricing:GetProducts (the API is served from us-east-1), or use the shipped tables (sluice cost prices)',
  },
  SLUICE_E_COST_RUN: {
    area: 'cli',
    meaning: 'sluice cost --from-run found no local run to measure: no local state, or no step ran in it',
    fix: 'run the pipeline locally first (sluice run --put BUCKET=PATH), then sluice cost --from-run',
  },
  // issue 13: routing
  SLUICE_E_ROUTE_PROPS: {
    area: 'pipeline',
    meaning: "a route's pipelines are missing, or a pipeline's name, location names, handler or config path is not usable (route() in src/model/route.ts)",
    fix: "give each pipeline a name of letters, digits, '-' and '_', a match pattern, locations, a handler file and, optionally, a .yaml/.yml/.json config path with {location}",
  },
  SLUICE_E_ROUTE_PATTERN: {
    area: 'pipeline',
    meaning: "a route's pipeline or location pattern is not a valid regular expression (RouteTable in src/model/route.ts)",
    fix: 'fix the pattern the message names; a string is the source of a regular expression, e.g. "^buoy\\..*\\.csv$"',
  },
  SLUICE_E_ROUTE_SAMPLE: {
    area: 'pipeline',
    meaning: 'a sample file under data/<pipeline>/<location>/ is matched by two pipelines or two locations, or routes to another pipeline or location than its folder, or to none (route checks in src/bundling/route-entry.ts)',
    fix: 'narrow the patterns so each sample matches exactly its own pipeline and location, or move the sample to the folder it routes to',
  },
  SLUICE_E_ROUTE_CONFIG_FILE: {
    area: 'pipeline',
    meaning: "a route location's configuration file is missing or is not valid YAML/JSON (src/bundling/route-entry.ts)",
    fix: 'create the file the message names, or fix its syntax at the line given',
  },
  SLUICE_E_ROUTE_CONFIG: {
    area: 'handler',
    meaning: "a location's configuration does not satisfy the config schema its pipeline's handler exports (checked when the route starts, src/runtime/route.ts)",
    fix: 'fix the key and value the message names in that configuration file, or the schema in the handler',
  },
  SLUICE_E_ROUTE_NO_MATCH: {
    area: 'run',
    meaning: "a file reached a route and matched no pipeline, or none of its pipeline's locations; it fails into the route's failure destination (src/runtime/route.ts)",
    fix: 'add a pipeline or location whose pattern matches the file name, then redrive it (sluice dlq redrive), or delete it from the dead letters',
  },
  SLUICE_E_ROUTE_INPUT: {
    area: 'run',
    meaning: 'a route got a message instead of an object: routes choose by file name, so they take bucket events (src/runtime/route.ts)',
    fix: "wire a bucket to the route (bucket('raw').to(route(...))), not a queue or topic",
  },
  SLUICE_E_ROUTE_NODE: {
    area: 'cli',
    meaning: 'sluice route found no route in the pipeline, or --node names no route, or the pipeline has several and no --node (src/cli/commands/route.ts)',
    fix: 'declare a route with route(...) or pass --node NAME of one',
  },
  SLUICE_E_ROUTE_EXPECTED: {
    area: 'cli',
    meaning: 'sluice route test: a sample produced outputs different from the expected files checked in beside it (src/cli/commands/route.ts)',
    fix: 'fix the pipeline, or review the differences and run sluice route test --update to rewrite the expected files',
  },
  SLUICE_E_EXISTING_BUCKET_NAME: {
    area: 'pipeline',
    meaning: 'bucket.existing() got something that is not an S3 bucket name (src/model/bucket.ts)',
    fix: 'pass the name of the existing bucket: 3 to 63 lower-case letters, digits, dots and hyphens',
  },
  SLUICE_E_EXISTING_TOPIC_ARN: {
    area: 'pipeline',
    meaning: 'topic.existing() got something that is not an SNS topic ARN (src/model/topic.ts)',
    fix: 'pass the ARN of the existing topic, arn:aws:sns:REGION:ACCOUNT:NAME',
  },
  SLUICE_E_EXISTING_EDGE: {
    area: 'synth',
    meaning: 'an existing bucket is wired to a queue or topic: its events reach the stack through EventBridge, which sluice routes to functions only (src/cloud/synth/kinds/bucket.ts)',
    fix: 'wire the existing bucket to a function (bucket.existing(name).to(fn(...))) and let the function send on',
  },
  SLUICE_E_EXISTING_EVENTS_OFF: {
    area: 'deploy',
    meaning: 'an existing bucket that triggers the pipeline does not send its events to Amazon EventBridge (src/cloud/deploy/existing.ts)',
    fix: 'run the aws s3api put-bucket-notification-configuration command the message shows, or deploy again with --yes to let sluice turn it on',
  },
  // issue 14: AI sentiment (comprehend, sluice table, sluice trigger <schedule|fn>, notify)
  SLUICE_E_SENTIMENT_FEATURE: {
    area: 'pipeline',
    meaning: "a comprehend node was declared with a feature other than 'sentiment'",
    fix: "declare comprehend(name, 'sentiment', { language: 'en' })",
  },
  SLUICE_E_SENTIMENT_LANGUAGE: {
    area: 'pipeline',
    meaning: "a comprehend node's language is not one DetectSentiment takes (en, es, fr, de, it, pt, ar, hi, ja, ko, zh, zh-TW)",
    fix: 'set language to one of the codes DetectSentiment takes',
  },
  SLUICE_E_SENTIMENT_LOCAL_LANGUAGE: {
    area: 'run',
    meaning: "a step called ctx.sentiment on the local stage with a comprehend node whose language is not 'en': the local model reads English only",
    fix: "test with language 'en' locally, or run the step on an AWS stage where Comprehend reads the language",
  },
  SLUICE_E_SENTIMENT_TEXT: {
    area: 'run',
    meaning: 'ctx.sentiment(text) got a text Comprehend rejects: empty, not a string, or over 5,000 bytes of UTF-8 (sluice never splits a text: the sentiment of parts is not the sentiment of the whole)',
    fix: 'pass non-empty text of at most 5,000 bytes (trim or summarize longer texts first); ctx.sentiment.batch reports such a text in ErrorList instead of throwing',
  },
  SLUICE_E_SENTIMENT_SERVICE: {
    area: 'run',
    meaning: 'a step called ctx.sentiment without declaring a comprehend service, or with several declared and none named',
    fix: "declare fn.uses(comprehend('sentiment', 'sentiment')); with several, pass { service: 'name' }",
  },
  SLUICE_E_TABLE_ITEMS_CONFLICT: {
    area: 'stage',
    meaning: 'sluice table update (or another atomic table write) found the table changed between its read and its write: the old item gone, or the new one there; nothing was written',
    fix: 'run the command again; it reads the table anew',
  },
  SLUICE_E_TABLE_ITEMS_THROTTLED: {
    area: 'stage',
    meaning: "a batch write of sluice table add, remove or import (more than 100 changes, so BatchWriteItem) still had UnprocessedItems after 10 attempts with back-off: DynamoDB kept throttling the table; the changes before that batch were written, the rest may not be",
    fix: "run the same command again: add and remove skip what is already done, import puts the same items again; raise the table's capacity (or use on-demand) if it keeps happening",
  },
  SLUICE_E_TABLE_ITEMS_INPUT: {
    area: 'cli',
    meaning: 'sluice table got an operation it does not have, neither or both of --item and --file, update without --old or --new, get without exactly one key, or a file of blank lines only',
    fix: 'run sluice table NAME OPERATION with the options the operation takes (sluice table --help lists them)',
  },
  SLUICE_E_TABLE_ITEMS_FILE: {
    area: 'cli',
    meaning: 'the --file of sluice table add, remove or import cannot be read',
    fix: 'give a readable file with one item per line',
  },
  SLUICE_E_TABLE_EXPORT_FILE: {
    area: 'cli',
    meaning: 'the --file of sluice table export cannot be written (its folder does not exist, or may not be written)',
    fix: 'give a path in a folder that exists and that you may write, or leave --file out to print the items',
  },
  SLUICE_E_TABLE_ITEMS_SPEC: {
    area: 'cli',
    meaning: 'an item given to sluice table is empty, malformed (not a bare key value, K=V,K=V or a JSON object) or lacks a key attribute; nothing was changed',
    fix: 'fix the items the message lists (by --item number or file line) and run the command again',
  },
  SLUICE_E_TABLE_ITEMS_KEY_TYPE: {
    area: 'cli',
    meaning: "an item given to sluice table has a key value of the wrong type for the table's key schema (text for an N key, a number for an S key); nothing was changed",
    fix: 'give key values of the type the table declares (partitionKey and sortKey in the pipeline)',
  },
  SLUICE_E_TABLE_ITEMS_UPDATE_OLD: {
    area: 'cli',
    meaning: 'sluice table update --old names an item the table does not have; nothing was changed',
    fix: 'name an existing item (sluice table NAME scan lists them)',
  },
  SLUICE_E_TABLE_ITEMS_UPDATE_NEW: {
    area: 'cli',
    meaning: 'sluice table update --new names an item the table already has; nothing was changed',
    fix: 'remove that item first, or choose another --new key',
  },
  SLUICE_E_TRIGGER_NO_SCHEDULE: {
    area: 'cli',
    meaning: 'sluice trigger named a function that no schedule invokes, so there is no scheduled event to fire',
    fix: 'trigger the schedule, or a function a schedule invokes; run any function once with sluice invoke',
  },
  SLUICE_E_TRIGGER_DETAIL: {
    area: 'cli',
    meaning: 'the --detail option of sluice trigger is not a JSON object',
    fix: "pass --detail as a JSON object, e.g. --detail '{\"source\":\"manual\"}'",
  },
  // issue 12a: branches
  SLUICE_E_BRANCH_NODE: {
    area: 'cli',
    meaning: 'sluice branch create (or localPipeline().branch()) names a node the pipeline does not have, or a schedule, which a branch cannot copy',
    fix: 'branch from a node the message lists (sluice nodes shows them all); to branch what a schedule starts, branch from that step',
  },
  SLUICE_E_BRANCH_NAME: {
    area: 'cli',
    meaning: "a branch name is not 1 to 40 lower-case letters, digits and single hyphens starting and ending with a letter or digit",
    fix: 'name the branch with lower-case letters, digits and single hyphens, such as dedup-v2',
  },
  SLUICE_E_BRANCH_NAME_TOO_LONG: {
    area: 'cli',
    meaning: "an AWS name the branch would form (`${pipeline}-${stage}--${branch}-${node}`, its stack or its payload bucket) is over its service's length limit",
    fix: 'shorten the branch name by the number of characters the message gives',
  },
  SLUICE_E_BRANCH_NO_MAIN: {
    area: 'cli',
    meaning: "sluice branch deploy was given a branch whose main stage does not exist yet (locally: no state; on AWS: no stack), so there is no upstream data to read",
    fix: 'run or deploy the pipeline on that stage first (sluice run, sluice deploy --stage NAME), then deploy the branch',
  },
  SLUICE_E_BRANCH_OUTPUT: {
    area: 'cli',
    meaning: "a bucket asked of a branch's deltas is not one of the branch's output buckets",
    fix: "ask for a bucket the branch writes (sluice branch plan NAME lists its outputs)",
  },
  SLUICE_E_BRANCH_HANDLER: {
    area: 'run',
    meaning: "localPipeline().branch(node, name, { handler }) names a node that is not a function or job of the pipeline, so its handler cannot be replaced",
    fix: 'give the name of the branched function or job whose handler the test replaces',
  },
  SLUICE_E_BRANCH_TAKEN: {
    area: 'cli',
    meaning: 'sluice branch create was given a name another branch of the stage already has',
    fix: 'choose another name, or destroy and delete the other branch first',
  },
  SLUICE_E_BRANCH_UNKNOWN: {
    area: 'cli',
    meaning: 'a branch command names a branch the stage does not have',
    fix: 'use a name sluice branch list shows, or create the branch with sluice branch create NODE NAME',
  },
  SLUICE_E_BRANCH_NOT_DEPLOYED: {
    area: 'cli',
    meaning: 'sluice branch trigger was given a branch that is only planned (never deployed, or destroyed since)',
    fix: 'deploy it first: sluice branch deploy NAME',
  },
  SLUICE_E_BRANCH_NOT_TRIGGERED: {
    area: 'cli',
    meaning: 'sluice branch deltas was given a branch that was never triggered, so it has no outputs to compare',
    fix: 'feed it first: sluice branch trigger NAME [--sample PCT]',
  },
  SLUICE_E_BRANCH_HOLDS: {
    area: 'cli',
    meaning: 'sluice branch delete was given a branch that still holds resources or data on its stage',
    fix: 'remove what it holds first: sluice branch destroy NAME, then delete it',
  },
  SLUICE_E_BRANCH_OPTION: {
    area: 'cli',
    meaning: 'an option of sluice branch trigger or deltas is malformed: --sample not a percentage above 0 up to 100, --since not a time, --keys empty',
    fix: 'pass --sample as a number such as 10 (percent), --since as an ISO time or a duration such as 2h, --keys as a prefix or column list',
  },
  SLUICE_E_BUCKET_FORMAT: {
    area: 'pipeline',
    meaning: "a bucket's format is not one of 'csv', 'jsonl', 'json', 'parquet'",
    fix: "set format to 'csv', 'jsonl', 'json' or 'parquet', or leave it out to go by each key's extension",
  },
  SLUICE_E_BUCKET_KEYS: {
    area: 'pipeline',
    meaning: "a bucket's keys is not a non-empty list of distinct, non-empty column names",
    fix: "list the columns that identify a row once each, e.g. keys: ['order_id']",
  },
  SLUICE_E_BRANCH_STAGE_RESERVED: {
    area: 'cli',
    meaning: "a stage name given to a command contains '--', which is reserved for branches (a branch NAME of stage S runs as S--NAME)",
    fix: "name the stage without '--'; work on a branch with sluice branch ... NAME --stage S",
  },
  // issue 12b: deltas
  SLUICE_E_DELTAS_FAIL_ON: {
    area: 'cli',
    meaning: "a --fail-on rule of sluice branch deltas is not METRIC>LIMIT: an unknown metric, an operator other than > or >=, or a limit that is not a number (or a percentage, for the rows-* and objects-* metrics)",
    fix: "write each rule as METRIC>LIMIT, e.g. rows-changed>0.5% or objects-removed>0 (metrics: rows-added, rows-removed, rows-changed, objects-added, objects-removed, objects-changed, objects-unreadable, duplicate-keys, schema-changes)",
  },
  SLUICE_E_DELTAS_KEYS: {
    area: 'stage',
    meaning: "a key column of sluice branch deltas (from --keys or the bucket's keys) is not a column of one side of a table, or --keys is empty",
    fix: "pass --keys with columns both sides of every compared table have (the error lists each side's columns), or set the bucket's keys to them",
  },
  // issue 12c: branches on AWS stages
  SLUICE_E_BRANCH_AWS_MAIN_MISSING: {
    area: 'deploy',
    meaning: "sluice branch deploy on an AWS stage whose main stack (`${pipeline}-${stage}`) is not deployed (absent, rolled back or still being created): a branch reads main's upstream data, so there is nothing to branch from (raised in src/branch/aws/backend.ts)",
    fix: 'deploy the stage first (sluice deploy --stage STAGE), or branch on a stage that is deployed',
  },
  SLUICE_E_BRANCH_AWS_NOT_DEPLOYED: {
    area: 'deploy',
    meaning: "sluice branch trigger, deltas or list reaches a branch whose stack (`${pipeline}-${stage}--${name}`) is not deployed (never deployed, destroyed, or its deploy failed) (raised in src/branch/aws/backend.ts)",
    fix: 'deploy the branch first: sluice branch deploy NAME --stage STAGE',
  },
  SLUICE_E_BRANCH_AWS_MESSAGE_INPUT: {
    area: 'deploy',
    meaning: "sluice branch trigger on AWS for a branch fed by a queue or topic of main that carries messages rather than S3 events of main's buckets: reading them would change main (a receive hides a message from main's consumer and counts towards its DLQ; a topic keeps nothing) (raised in src/branch/aws/replay.ts)",
    fix: 'branch from the step that sends to that queue or topic, so the branch replays the objects that step reads',
  },
  SLUICE_E_BRANCH_AWS_OUTPUT: {
    area: 'deploy',
    meaning: 'sluice branch deltas asks an AWS branch for both sides of a bucket that is not one of its outputs (a branched bucket) (raised in src/branch/aws/backend.ts)',
    fix: 'compare one of the buckets sluice branch plan lists as outputs',
  },
  // issue 15a: plot and console
  SLUICE_E_PLOT_FORMAT: {
    area: 'cli',
    meaning: 'the --format option of sluice plot is not svg, png, dot or mermaid (or, without --format, the --out file has none of their extensions)',
    fix: 'pass --format svg, png, dot or mermaid, or an --out file ending in .svg, .png, .dot or .mmd',
  },
  SLUICE_E_CONSOLE_PORT: {
    area: 'cli',
    meaning: 'the --port option of sluice console (or sluice dev --console) is not a whole number from 0 to 65535',
    fix: 'pass --port with a number from 0 to 65535, or --port 0 to let the system choose a free one',
  },
  SLUICE_E_CONSOLE_PORT_IN_USE: {
    area: 'cli',
    meaning: 'the port sluice console (or sluice dev --console) was given is already taken on 127.0.0.1, or may not be used by this user',
    fix: 'pass another --port, or --port 0 to let the system choose a free one',
  },
  // issue 14: notify (email notifications of dead letters)
  SLUICE_E_NOTIFY_EMAIL: {
    area: 'pipeline',
    meaning: 'a notify node lists no address, more than 20, the same one twice, or a text that is not an email address',
    fix: "list 1 to 20 distinct addresses like ops@example.org: notify('alerts', { email: ['ops@example.org'] })",
  },
  SLUICE_E_NOTIFY_WATCH_UNKNOWN: {
    area: 'pipeline',
    meaning: 'a notify node watches the dead letters of a node that is not in the pipeline (or of something that is not a node)',
    fix: 'watch dlqOf(node) of a node the pipeline holds, or add that node to the pipeline',
  },
  SLUICE_E_NOTIFY_UNKNOWN: {
    area: 'cli',
    meaning: 'the outbox of a node was asked for (sluice outbox NAME, local.outbox(NAME)) that is not a notify node of the pipeline',
    fix: 'name a notify node (sluice nodes lists them), or leave the name out to read every outbox',
  },
  SLUICE_E_NOTIFY_WATCH_NO_DLQ: {
    area: 'pipeline',
    meaning: 'a notify node watches a node that has no dead letters: only queues and functions invoked asynchronously (by a bucket, topic or schedule) have a dead-letter queue',
    fix: "watch the queue that feeds the function (dlqOf(queue)), or a function a bucket, topic or schedule invokes",
  },
  SLUICE_E_NOTIFY_MESSAGE: {
    area: 'run',
    meaning: "a step's ctx.notify() breaks SNS's rules: its subject is empty, longer than 99 characters or holds a line break or control character, or its text is empty or larger than 256 KiB",
    fix: 'keep the subject to one line of 1 to 99 characters, and the text non-empty and under 256 KiB (write anything longer to a bucket and send its key)',
  },
  SLUICE_E_NOTIFY_TARGET: {
    area: 'run',
    meaning: "a step's ctx.notify() names no notify node the step sends to, or leaves the name out while the step sends to none or to several",
    fix: "declare the edge (fn.to(alerts)) and, when the step sends to several notify nodes, name one: ctx.notify(subject, text, { to: 'alerts' })",
  },
} as const satisfies Record<`SLUICE_E_${string}`, { area: ErrorArea; meaning: string; fix: string }>;

/** A code sluice raises. */
export type ErrorCode = keyof typeof ERROR_CODES;
