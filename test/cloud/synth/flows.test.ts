/**
 * Jobs, Glue jobs and flows synthesized: each job a Lambda function holding exactly its stages, each
 * Glue job its uploaded script with its own Glue-trusted role, each flow a logged, traced state
 * machine running the plan's ASL with a role scoped to its jobs and topic, and a schedule starting
 * it through a role for that state machine only. Found by node path, never by logical id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glueJob, job, flow, bucket, pipeline, topic } from 'sluice';
import { auditTemplate } from '../../../src/cloud/synth/audit.js';
import { flowDefinition, substitutionKey } from '../../../src/flow/asl.js';
import { flowPlanOf } from '../../../src/flow/plan-of.js';
import type { Template } from '../../../src/cloud/synth/template.js';
import { flowPipeline } from './fixtures/pipelines.js';
import { bindingsOf, byPath, grantLines, hasPath, problemsOf, props, roleStatements, show, synthFor } from './helpers.js';

const pipe = flowPipeline();
const synthesis = await synthFor(pipe);
const t = synthesis.template;
const rulesOf = (template: Template) => [...new Set(auditTemplate(template).map((f) => f.rule))].sort();

test('GIVEN landing -> extract -> bronze WHEN synthesized THEN the job role lists and reads landing, writes bronze, and nothing else', () => {
  assert.deepEqual(grantLines(roleStatements(t, 'extract')).filter((l) => !l.startsWith('logs:') && !l.startsWith('xray:')), [
    's3:GetObject on arn:s3:::flows-dev-landing/*',
    's3:ListBucket on arn:s3:::flows-dev-landing',
    's3:PutObject on arn:s3:::flows-dev-bronze/*',
  ]);
  assert.deepEqual(props(t, 'extract/Role').AssumeRolePolicyDocument.Statement[0].Principal, { Service: 'lambda.amazonaws.com' });
});

test('GIVEN a job WHEN synthesized THEN it is a Lambda function like a step but with no event source, destination or invoke permission', () => {
  const f = props(t, 'extract/Function');
  assert.equal(f.FunctionName, 'flows-dev-extract');
  assert.equal(f.Runtime, 'nodejs22.x');
  assert.equal(f.Timeout, 300);
  assert.equal(f.MemorySize, 2048);
  assert.equal(f.TracingConfig.Mode, 'Active');
  assert.equal(show(f.LoggingConfig.LogGroup), byPath(t, 'extract/LogGroup').id);
  assert.equal(props(t, 'extract/LogGroup').LogGroupName, '/aws/lambda/flows-dev-extract');
  assert.deepEqual(JSON.parse(f.Environment.Variables.SLUICE_STEP_CONFIG), { region: 'eu-west-1' });
  assert.deepEqual(bindingsOf(t, 'extract'), {
    landing: { kind: 'bucket', name: 'flows-dev-landing', uses: ['readStage'] },
    bronze: { kind: 'bucket', name: 'flows-dev-bronze', uses: ['write'] },
  });
  for (const part of ['InvokeConfig', 'Failures']) assert.equal(hasPath(t, `extract/${part}`), false, part);
  assert.equal(Object.values(t.Resources).some((r) => r.Type === 'AWS::Lambda::Permission'), false);
});

test('GIVEN a Glue job with extra files WHEN synthesized THEN it runs its uploaded script with the files beside it, one run at a time, retried only by the flow', () => {
  const g = props(t, 'enrich/Job');
  const [script, helpers, rates] = synthesis.files.length === 3 ? ['enrich.py', 'helpers.py', 'rates.json'].map((n) => synthesis.files.find((f) => f.key.endsWith(`/${n}`))!) : [];
  assert.ok(script && helpers && rates, 'the script and both extra files are assets');
  assert.match(script.key, /^[0-9a-f]{64}\/enrich\.py$/);
  assert.equal(show(g.Command.ScriptLocation), `s3://\${AssetsBucket}/\${AssetsPrefix}${script.key}`);
  assert.equal(g.Command.Name, 'glueetl');
  assert.equal(g.Command.PythonVersion, '3');
  assert.equal(show(g.DefaultArguments['--extra-py-files']), `s3://\${AssetsBucket}/\${AssetsPrefix}${helpers.key}`);
  assert.equal(show(g.DefaultArguments['--extra-files']), `s3://\${AssetsBucket}/\${AssetsPrefix}${rates.key}`);
  assert.equal(show(g.DefaultArguments['--TempDir']), 's3://${AssetsBucket}/${AssetsPrefix}glue-temp/enrich/');
  assert.equal(g.DefaultArguments['--currency'], 'EUR');
  assert.deepEqual(JSON.parse(g.DefaultArguments['--sluice-buckets']), { gold: 'flows-dev-gold', silver: 'flows-dev-silver' });
  assert.deepEqual([g.GlueVersion, g.WorkerType, g.NumberOfWorkers, g.Timeout, g.MaxRetries, g.ExecutionProperty.MaxConcurrentRuns], ['4.0', 'G.1X', 3, 90, 0, 1]);
  assert.equal(show(g.Role), `${byPath(t, 'enrich/Role').id}.Arn`);
});

test('GIVEN a Glue job WHEN synthesized THEN its role trusts Glue only, reads exactly its files, writes only Glue\'s log groups and holds exactly its stages', () => {
  assert.deepEqual(props(t, 'enrich/Role').AssumeRolePolicyDocument.Statement.map((s: any) => s.Principal.Service), ['glue.amazonaws.com']);
  const lines = grantLines(roleStatements(t, 'enrich'));
  const keys = synthesis.files.map((f) => f.key);
  assert.deepEqual(lines.filter((l) => l.startsWith('s3:GetObject on arn:s3:::${AssetsBucket}/${AssetsPrefix}') && !l.includes('glue-temp')).map((l) => l.split('${AssetsPrefix}')[1]).sort(), [...keys].sort());
  assert.deepEqual(lines.filter((l) => l.includes('flows-dev-')), [
    's3:GetObject on arn:s3:::flows-dev-silver/*',
    's3:ListBucket on arn:s3:::flows-dev-silver',
    's3:PutObject on arn:s3:::flows-dev-gold/*',
  ]);
  const logs = lines.filter((l) => l.startsWith('logs:'));
  assert.ok(logs.every((l) => l.includes(':log-group:/aws-glue/jobs/')), logs.join('\n'));
  assert.ok(logs.filter((l) => l.endsWith(':log-stream:*')).length > 0 && (byPath(t, 'enrich/Role').Metadata as any)['sluice:wildcards'][0].reason);
  assert.ok(!lines.some((l) => / on \*$/.test(l)), 'nothing on "*"');
});

test('GIVEN a flow of two jobs and a Glue job WHEN synthesized THEN its state machine runs the plan\'s ASL with this stack\'s ARNs filled in', () => {
  const sm = props(t, 'nightly/StateMachine');
  assert.equal(sm.StateMachineName, 'flows-dev-nightly');
  const [text, variables] = sm.DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
  const plan = flowPlanOf(pipe, pipe.node('nightly') as never, 'dev');
  assert.deepEqual(plan.levels.map((l) => l.map((j) => j.name)), [['extract'], ['clean-orders'], ['enrich']]);
  assert.deepEqual(plan.publishes, [{ kind: 'topic', name: 'outcomes' }, { kind: 'notify', name: 'alerts' }]);
  assert.deepEqual(JSON.parse(text.replaceAll('${AWS::Partition}', 'aws')), flowDefinition(plan));
  assert.deepEqual(Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, show(v)])), {
    [substitutionKey('job', 'clean-orders')]: `${byPath(t, 'clean-orders/Function').id}.Arn`,
    [substitutionKey('job', 'extract')]: `${byPath(t, 'extract/Function').id}.Arn`,
    [substitutionKey('glueJob', 'enrich')]: byPath(t, 'enrich/Job').id,
    [substitutionKey('topic', 'outcomes')]: byPath(t, 'outcomes/Topic').id,
    [substitutionKey('notify', 'alerts')]: byPath(t, 'alerts/Topic').id,
  });
  assert.equal(JSON.parse(text).TimeoutSeconds, 10_800);
  assert.deepEqual(sm.LoggingConfiguration.Level, 'ERROR');
  assert.equal(show(sm.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn), `${byPath(t, 'nightly/LogGroup').id}.Arn`);
  assert.equal(props(t, 'nightly/LogGroup').LogGroupName, '/aws/vendedlogs/states/flows-dev-nightly');
  assert.equal(sm.TracingConfiguration.Enabled, true);
});

test('GIVEN a flow WHEN synthesized THEN its role invokes exactly its functions, runs exactly its Glue job, publishes to its topic and notify node, and explains every "*"', () => {
  const lines = grantLines(roleStatements(t, 'nightly'));
  assert.deepEqual(lines.filter((l) => !l.startsWith('logs:') && !l.startsWith('xray:')), [
    'glue:BatchStopJobRun on arn:glue:${AWS::Region}:${AWS::AccountId}:job/flows-dev-enrich',
    'glue:GetJobRun on arn:glue:${AWS::Region}:${AWS::AccountId}:job/flows-dev-enrich',
    'glue:GetJobRuns on arn:glue:${AWS::Region}:${AWS::AccountId}:job/flows-dev-enrich',
    'glue:StartJobRun on arn:glue:${AWS::Region}:${AWS::AccountId}:job/flows-dev-enrich',
    // The notify node's topic is encrypted with the pipeline's key: publishing to it uses the key.
    `kms:Decrypt on ${byPath(t, 'Key').id}.Arn`,
    `kms:GenerateDataKey on ${byPath(t, 'Key').id}.Arn`,
    `lambda:InvokeFunction on ${byPath(t, 'clean-orders/Function').id}.Arn`,
    `lambda:InvokeFunction on ${byPath(t, 'extract/Function').id}.Arn`,
    `sns:Publish on ${byPath(t, 'alerts/Topic').id}`,
    `sns:Publish on ${byPath(t, 'outcomes/Topic').id}`,
  ]);
  const trust = props(t, 'nightly/Role').AssumeRolePolicyDocument.Statement[0];
  assert.equal(trust.Principal.Service, 'states.amazonaws.com');
  assert.equal(show(trust.Condition.ArnLike['aws:SourceArn']), 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:flows-dev-nightly');
  const unscoped = (byPath(t, 'nightly/Role').Metadata as any)['sluice:unscoped'].map((u: any) => u.sid);
  assert.deepEqual(roleStatements(t, 'nightly').filter((s) => s.Resource === '*').map((s) => s.Sid), unscoped);
});

test('GIVEN flow -> topic and flow -> notify WHEN synthesized THEN the state machine publishes to both, emails with a fixed subject naming the stage, and its role may use the key of the notify topic', () => {
  const [text] = props(t, 'nightly/StateMachine').DefinitionString['Fn::Sub'] as [string];
  const states = JSON.parse(text).States as Record<string, { Parameters?: Record<string, string>; Next?: string; End?: boolean }>;
  // THEN success publishes to the topic, then emails; so does a failure, on its way to the Fail state
  assert.deepEqual(['success', 'failure'].map((end) => [`Publish ${end} to outcomes`, `Publish ${end} to alerts`].map((n) => states[n]!.Parameters!.TopicArn)), [
    ['${Topic_outcomes}', '${Notify_alerts}'], ['${Topic_outcomes}', '${Notify_alerts}'],
  ]);
  // AND the email's subject is fixed at synth time; its text names the stage and the command to see the execution there
  const failed = states['Publish failure to alerts']!.Parameters!;
  assert.equal(failed.Subject, 'nightly of flows FAILED');
  assert.equal(states['Publish success to alerts']!.Parameters!.Subject, 'nightly of flows SUCCEEDED');
  assert.match(failed['Message.$']!, /\(stage \\'dev\\'\) FAILED: job \\'\{\}\\' failed\./);
  assert.match(failed['Message.$']!, /sluice executions nightly --id \{\} --stage dev', .*\$\$\.Execution\.Id\)$/s);
  // AND the role's one publish statement names both topics, and it may use the pipeline key the notify topic is encrypted with
  const publish = roleStatements(t, 'nightly').find((s) => s.Sid === 'PublishOutcome')!;
  assert.deepEqual([publish.Action, (publish.Resource as unknown[]).map(show)], [['sns:Publish'], [byPath(t, 'outcomes/Topic').id, byPath(t, 'alerts/Topic').id]]);
  assert.ok(roleStatements(t, 'nightly').some((s) => s.Sid === 'UsePipelineKey'));
  // AND each grant is recorded for the audit and sluice's own reading of the role
  const grants = (byPath(t, 'nightly/Role').Metadata as any)['sluice:grants'].filter((g: any) => g.use === 'publish');
  assert.deepEqual(grants, [
    { node: 'outcomes', use: 'publish', reason: 'edge nightly -> outcomes' },
    { node: 'alerts', use: 'publish', reason: 'edge nightly -> alerts' },
  ]);
});

test('GIVEN schedule -> flow WHEN synthesized THEN the rule starts the state machine through a role allowed to start exactly it', () => {
  const target = props(t, 'at-2am/Rule').Targets[0];
  assert.equal(show(target.Arn), byPath(t, 'nightly/StateMachine').id);
  const role = props(t, 'at-2am->nightly/Role');
  assert.equal(show(target.RoleArn), `${byPath(t, 'at-2am->nightly/Role').id}.Arn`);
  assert.deepEqual(grantLines(role.Policies[0].PolicyDocument.Statement), [`states:StartExecution on ${byPath(t, 'nightly/StateMachine').id}`]);
  assert.equal(role.AssumeRolePolicyDocument.Statement[0].Principal.Service, 'events.amazonaws.com');
  assert.equal(show(role.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:SourceArn']), 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/flows-dev-at-2am');
});

test('GIVEN the flow fixture WHEN audited THEN no rule is broken; a state machine without logging or tracing, or a Glue job whose role trusts Lambda, is reported', () => {
  assert.deepEqual(auditTemplate(t), []);
  const broken = structuredClone(t);
  const sm = byPath(broken, 'nightly/StateMachine').id;
  delete (broken.Resources[sm]!.Properties as any).LoggingConfiguration;
  (broken.Resources[sm]!.Properties as any).TracingConfiguration = { Enabled: false };
  const role = byPath(broken, 'enrich/Role').id;
  (broken.Resources[role]!.Properties as any).AssumeRolePolicyDocument.Statement[0].Principal.Service = 'lambda.amazonaws.com';
  const events = byPath(broken, 'at-2am->nightly/Role').id;
  delete (broken.Resources[events]!.Properties as any).AssumeRolePolicyDocument.Statement[0].Condition;
  (broken.Resources[byPath(broken, 'enrich/Job').id]!.Properties as any).DefaultArguments['--api-token'] = 'x';
  assert.deepEqual(rulesOf(broken), ['GLUE-3', 'IAM-6', 'SFN-1', 'SFN-2']);
  const findings = auditTemplate(broken).filter((f) => f.rule === 'IAM-6').map((f) => f.resource).sort();
  assert.deepEqual(findings, [events, role].sort());
});

test('GIVEN a Glue job whose script is missing or whose argument looks like a secret WHEN synthesized THEN each is a problem naming the job and field', async () => {
  const stages = [bucket('in'), bucket('out')] as const;
  const lost = glueJob('lost', { script: './jobs/nowhere.py', arguments: { '--db-password': 'hunter2' } });
  const problems = await problemsOf(pipeline('glue-problems', [stages[0].to(lost).to(stages[1]), flow('f', [lost])]));
  assert.deepEqual(problems.map((p) => [p.code, p.node, p.field]).sort(), [
    ['SLUICE_E_GLUE_FILE', 'lost', 'script'],
    ['SLUICE_E_SECRET_IN_TEMPLATE', 'lost', 'arguments.--db-password'],
  ]);
  assert.match(problems.find((p) => p.code === 'SLUICE_E_GLUE_FILE')!.message, /glueJob 'lost': script '.\/jobs\/nowhere.py' does not exist/);
});

test('GIVEN a pythonshell Glue job and a job WHEN synthesized THEN Python 3.9 on Glue 3.0 with its capacity and the Python-shell log groups', async () => {
  const first = job('first', { handler: './fixtures/handlers/noop.ts' });
  const tally = glueJob('tally', { script: './fixtures/jobs/summarize.py', type: 'pythonshell', maxCapacity: 1 });
  const t2 = (await synthFor(pipeline('shell', [bucket('a').to(first).to(bucket('b')).to(tally).to(bucket('c')), flow('f', [first, tally])]))).template;
  const g = props(t2, 'tally/Job');
  assert.deepEqual([g.Command.Name, g.Command.PythonVersion, g.GlueVersion, g.MaxCapacity, g.WorkerType, g.DefaultArguments['--TempDir']], ['pythonshell', '3.9', '3.0', 1, undefined, undefined]);
  assert.ok(grantLines(roleStatements(t2, 'tally')).filter((l) => l.startsWith('logs:')).every((l) => l.includes('/aws-glue/python-jobs/')));
});

test('GIVEN a flow wired to two topics WHEN synthesized THEN it publishes its outcome to both (not only the first) and its role may publish to exactly those', async () => {
  // GIVEN flow -> first, flow -> second (unencrypted topics: no key)
  const only = job('only', { handler: './fixtures/handlers/noop.ts' });
  const f = flow('f', [only]);
  const t2 = (await synthFor(pipeline('two-topics', [bucket('a').to(only).to(bucket('b')), f.to(topic('first')), f.to(topic('second'))]))).template;
  // THEN the definition publishes to each, in edge order, at both ends
  const [text, variables] = props(t2, 'f/StateMachine').DefinitionString['Fn::Sub'] as [string, Record<string, unknown>];
  const states = JSON.parse(text).States as Record<string, { Parameters?: { TopicArn?: string } }>;
  assert.deepEqual(Object.keys(states).filter((n) => n.startsWith('Publish ')), ['Publish success to first', 'Publish failure to first', 'Publish success to second', 'Publish failure to second']);
  assert.equal(states['Publish failure to second']!.Parameters!.TopicArn, '${Topic_second}');
  assert.deepEqual([show(variables.Topic_first), show(variables.Topic_second)], [byPath(t2, 'first/Topic').id, byPath(t2, 'second/Topic').id]);
  // AND the role publishes to exactly those two, with no key use
  assert.deepEqual(grantLines(roleStatements(t2, 'f')).filter((l) => !l.startsWith('logs:') && !l.startsWith('xray:') && !l.startsWith('lambda:')), [
    `sns:Publish on ${byPath(t2, 'first/Topic').id}`,
    `sns:Publish on ${byPath(t2, 'second/Topic').id}`,
  ]);
  assert.deepEqual(auditTemplate(t2), []);
});
