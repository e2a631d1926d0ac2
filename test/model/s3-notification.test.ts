/**
 * S3 event notifications: every case of test/conformance/s3-event-cases.json (key encoding, filter
 * matching, configuration overlap, record shape), then sluice's own edge cases.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../../src/model/errors.js';
import { readFileSync } from 'node:fs';
import {
  encodeEventKey,
  decodeEventKey,
  matchesKeyFilter,
  findOverlappingNotifications,
  validateKeyFilter,
  prefixesOverlap,
  suffixesOverlap,
  keyFiltersOverlap,
  eventTypesIntersect,
  matchesEventType,
  keyFilterFromRules,
  type S3KeyFilter,
  type S3NotificationConfig,
} from '../../src/model/s3-notification.js';
import {
  objectCreatedRecord,
  objectCreatedEvent,
  sequencerFor,
  compareSequencers,
  s3TestEvent,
  isS3TestEvent,
  S3_MAX_NOTIFICATION_BYTES,
  type ObjectCreatedInput,
} from '../../src/model/s3-event.js';

interface KeyEncodingCase { key: string; eventKey: string; basis: string; note?: string }
interface FilterMatchCase { id: string; filter: S3KeyFilter; key: string; eventKey?: string; matches: boolean; note?: string }
interface ConfigValidationCase { id: string; configs: S3NotificationConfig[]; valid: boolean | 'ambiguous'; note?: string }
interface Cases {
  keyEncodingCases: KeyEncodingCase[];
  filterMatchCases: FilterMatchCase[];
  configValidationCases: ConfigValidationCase[];
  recordShape: {
    example: { Records: Array<Record<string, any>> };
    objectFieldsByEvent: Record<string, string[]>;
  };
}

const cases: Cases = JSON.parse(
  readFileSync(new URL('../conformance/s3-event-cases.json', import.meta.url), 'utf8'),
);

test('conformance vectors loaded (an empty list would pass vacuously)', () => {
  assert.ok(cases.keyEncodingCases.length > 0);
  assert.ok(cases.filterMatchCases.length > 0);
  assert.ok(cases.configValidationCases.length > 0);
  assert.equal(cases.recordShape.example.Records.length, 1);
});

describe('conformance: keyEncodingCases (S3-03)', () => {
  for (const c of cases.keyEncodingCases) {
    // These cases carry no id; the key itself identifies them.
    test(`key ${JSON.stringify(c.key)}`, () => {
      assert.equal(encodeEventKey(c.key), c.eventKey);
      assert.equal(decodeEventKey(c.eventKey), c.key);
    });
  }
});

describe('conformance: filterMatchCases (S3-11)', () => {
  for (const c of cases.filterMatchCases) {
    test(c.id, () => {
      if (c.eventKey !== undefined) assert.equal(encodeEventKey(c.key), c.eventKey, 'event key');
      assert.equal(matchesKeyFilter(c.filter, c.key), c.matches);
    });
  }
});

describe('conformance: configValidationCases (S3-10, S3-12)', () => {
  for (const c of cases.configValidationCases) {
    const skip = c.valid === 'ambiguous' ? `AWS outcome undocumented (valid: "ambiguous"): ${c.note ?? ''}` : false;
    test(c.id, { skip }, () => {
      const overlaps = findOverlappingNotifications(c.configs);
      const filterProblems = c.configs.flatMap((config) => validateKeyFilter(config));
      const valid = overlaps.length === 0 && filterProblems.length === 0;
      assert.equal(valid, c.valid, `overlaps ${JSON.stringify(overlaps)}; filter problems ${JSON.stringify(filterProblems)}`);
    });
  }
});

describe('conformance: recordShape (S3-01..S3-05)', () => {
  const example = cases.recordShape.example.Records[0]!;
  const o = example.s3.object;
  const input: ObjectCreatedInput = {
    bucket: example.s3.bucket.name,
    bucketArn: example.s3.bucket.arn,
    key: decodeEventKey(o.key),
    size: o.size,
    eTag: o.eTag,
    versionId: o.versionId,
    sequencer: o.sequencer,
    eventTime: new Date(example.eventTime),
    eventName: example.eventName,
    configurationId: example.s3.configurationId,
    region: example.awsRegion,
    requestId: example.responseElements['x-amz-request-id'],
    hostId: example.responseElements['x-amz-id-2'],
    principalId: example.userIdentity.principalId,
    sourceIPAddress: example.requestParameters.sourceIPAddress,
    ownerPrincipalId: example.s3.bucket.ownerIdentity.principalId,
  };

  /** Every leaf path with its JSON type, in document order. */
  function shape(value: unknown, path = ''): string[] {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`));
    }
    return [`${path}: ${value === null ? 'null' : typeof value}`];
  }

  test('example: same fields, types and order as the record built with defaults', () => {
    const built = objectCreatedRecord({ bucket: 'mybucket', key: 'HappyFace.jpg', size: 1024, eTag: o.eTag, versionId: o.versionId, sequencer: o.sequencer, eventTime: new Date(0), configurationId: 'testConfigRule' });
    assert.deepEqual(shape(built), shape(example));
  });

  test('example: reproduced byte for byte from the same inputs', () => {
    assert.deepEqual(objectCreatedEvent(input), cases.recordShape.example);
    assert.equal(JSON.stringify(objectCreatedEvent(input)), JSON.stringify(cases.recordShape.example));
  });

  test('example: unversioned bucket omits versionId (not null) (S3-05)', () => {
    const { versionId: _omit, ...unversioned } = input;
    const built = objectCreatedRecord(unversioned);
    assert.equal('versionId' in built.s3.object, false);
    assert.deepEqual(shape(built), shape(example).filter((line) => !line.startsWith('.s3.object.versionId')));
  });

  for (const [events, fields] of Object.entries(cases.recordShape.objectFieldsByEvent)) {
    const skip = events.startsWith('ObjectCreated:') ? false : 'the builder only makes ObjectCreated records';
    test(`objectFieldsByEvent ${events}`, { skip }, () => {
      const names = fields.map((f) => f.split(' ')[0]!);
      const optional = fields.filter((f) => f.includes('(')).map((f) => f.split(' ')[0]!);
      // 'ObjectCreated:Put|Post|...' lists the family once: 'Post' means 'ObjectCreated:Post'.
      const [first, ...rest] = events.split('|');
      const family = first!.slice(0, first!.indexOf(':') + 1);
      for (const eventName of [first!, ...rest.map((e) => family + e)]) {
        const withVersion = objectCreatedRecord({ ...input, eventName });
        assert.equal(withVersion.eventName, eventName);
        assert.deepEqual(Object.keys(withVersion.s3.object).sort(), [...names].sort());
        const { versionId: _omit, ...unversioned } = input;
        const without = objectCreatedRecord({ ...unversioned, eventName });
        assert.deepEqual(Object.keys(without.s3.object).sort(), names.filter((n) => !optional.includes(n)).sort());
      }
    });
  }
});

describe('key encoding: sluice edge cases', () => {
  const tricky = [
    'plain.txt',
    'a+b c',
    'literal%2B and %20 and %',
    'c++ file.txt',
    '100% done?.txt',
    'naïve/café/résumé.pdf',
    '日本語/ファイル.txt',
    'emoji 😀/🚀.bin',
    '/leading/and//double//slashes/',
    'trailing space ',
    'q?x#y&z=1',
    'tab\there\nnewline',
    'quotes"\'`back\\slash',
    '<>[]{}|^',
    '',
  ];
  for (const key of tricky) {
    test(`round-trips ${JSON.stringify(key)}`, () => {
      const encoded = encodeEventKey(key);
      assert.equal(decodeEventKey(encoded), key);
      assert.match(encoded, /^(?:[A-Za-z0-9\-_.*\/+]|%[0-9A-F]{2})*$/, 'only kept characters, + and upper-case %XX escapes');
      assert.equal(encoded.split('/').length, key.split('/').length, "'/' kept as-is");
    });
  }

  test('non-ASCII becomes upper-case UTF-8 escapes', () => {
    assert.equal(encodeEventKey('é'), '%C3%A9');
    assert.equal(encodeEventKey('😀'), '%F0%9F%98%80');
  });

  test("'+' and space are distinguishable after encoding", () => {
    assert.equal(encodeEventKey('a+b c'), 'a%2Bb+c');
    assert.equal(decodeEventKey('a%2Bb+c'), 'a+b c');
  });

  test('a lone surrogate is rejected rather than silently replaced', () => {
    assert.throws(() => encodeEventKey('bad\uD800key'), { code: 'SLUICE_E_OBJECT_KEY' });
  });
});

describe('filters and overlap: sluice edge cases', () => {
  test('missing prefix or suffix overlaps everything (S3-12)', () => {
    assert.equal(prefixesOverlap(undefined, 'images/'), true);
    assert.equal(prefixesOverlap('images/', undefined), true);
    assert.equal(prefixesOverlap(undefined, undefined), true);
    assert.equal(suffixesOverlap(undefined, '.jpg'), true);
    assert.equal(prefixesOverlap('images/', 'logs/'), false);
    assert.equal(suffixesOverlap('.jpg', 'thumb.jpg'), true);
    assert.equal(suffixesOverlap('.jpg', '.png'), false);
  });

  test('overlap needs event types AND prefixes AND suffixes to meet', () => {
    const configs: S3NotificationConfig[] = [
      { id: 'all', events: ['s3:ObjectCreated:*'] },
      { id: 'csv', events: ['s3:ObjectCreated:Put'], prefix: 'in/', suffix: '.csv' },
      { id: 'removed', events: ['s3:ObjectRemoved:*'] },
      { id: 'json', events: ['s3:ObjectCreated:Copy'], prefix: 'in/', suffix: '.json' },
    ];
    assert.deepEqual(findOverlappingNotifications(configs), [[0, 1], [0, 3]]);
    assert.deepEqual(findOverlappingNotifications(configs.slice(1)), []);
    assert.equal(keyFiltersOverlap({ prefix: 'in/' }, { suffix: '.csv' }), true);
  });

  test('identical filters, one with a missing prefix, still conflict when types meet', () => {
    assert.deepEqual(
      findOverlappingNotifications([
        { events: ['s3:ObjectCreated:Put'], suffix: '.csv' },
        { events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: 'data.csv' },
      ]),
      [[0, 1]],
    );
  });

  test('event type intersection and record-name matching (S3-02)', () => {
    assert.equal(eventTypesIntersect('s3:ObjectCreated:*', 's3:ObjectCreated:Put'), true);
    assert.equal(eventTypesIntersect('s3:ObjectCreated:Put', 's3:ObjectCreated:*'), true);
    assert.equal(eventTypesIntersect('s3:ObjectCreated:*', 's3:ObjectCreated:*'), true);
    assert.equal(eventTypesIntersect('s3:ObjectCreated:Put', 's3:ObjectCreated:Post'), false);
    assert.equal(eventTypesIntersect('s3:ObjectCreated:*', 's3:ObjectRemoved:*'), false);
    assert.equal(matchesEventType(['s3:ObjectCreated:*'], 'ObjectCreated:CompleteMultipartUpload'), true);
    assert.equal(matchesEventType(['s3:ObjectCreated:Put'], 'ObjectCreated:Copy'), false);
  });

  test('the wildcard-in-filter case: never matches, and sluice flags the wildcard (S3-10)', () => {
    // The case's expected validity is "ambiguous" (skipped above); what the note states holds either way.
    const c = cases.configValidationCases.find((x) => x.id === 'wildcard-in-filter');
    assert.ok(c, 'case still present in the shared vectors');
    for (const config of c.configs) {
      assert.equal(matchesKeyFilter(config, 'a.jpg'), false);
      assert.equal(validateKeyFilter(config).length, 1);
      assert.match(validateKeyFilter(config)[0]!, /wildcard/);
    }
  });

  test('validateKeyFilter: length limit is 1,024 characters (S3-10)', () => {
    assert.deepEqual(validateKeyFilter({ prefix: 'a'.repeat(1024), suffix: 'b'.repeat(1024) }), []);
    const problems = validateKeyFilter({ prefix: 'a'.repeat(1025) });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /1025 characters/);
  });

  test('validateKeyFilter: values that can never match an encoded key (S3-11)', () => {
    assert.deepEqual(validateKeyFilter({ prefix: 'my+folder/', suffix: '%3D1.csv' }), []);
    assert.match(validateKeyFilter({ prefix: 'my folder/' })[0]!, /write '\+'/);
    assert.match(validateKeyFilter({ prefix: 'schemaVersion=1/' })[0]!, /'%3D'/);
    assert.match(validateKeyFilter({ suffix: 'x%3d' })[0]!, /upper-case/);
    assert.deepEqual(validateKeyFilter({}), []);
  });

  test('keyFilterFromRules: at most one prefix and one suffix (S3-10)', () => {
    assert.deepEqual(keyFilterFromRules([{ Name: 'Prefix', Value: 'in/' }, { Name: 'suffix', Value: '.csv' }]), {
      filter: { prefix: 'in/', suffix: '.csv' },
      problems: [],
    });
    const twice = keyFilterFromRules([{ Name: 'prefix', Value: 'a/' }, { Name: 'prefix', Value: 'b/' }, { Name: 'contains', Value: 'x' }]);
    assert.deepEqual(twice.filter, { prefix: 'a/' });
    assert.equal(twice.problems.length, 2);
  });
});

describe('sequencer (S3-06)', () => {
  test('later counters compare greater, with either padding rule', () => {
    const counters = [0, 1, 9, 10, 15, 16, 255, 256, 4095, 65536, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];
    const seqs = counters.map(sequencerFor);
    for (const s of seqs) assert.match(s, /^[0-9A-F]{18}$/);
    for (let i = 1; i < seqs.length; i++) {
      assert.ok(compareSequencers(seqs[i - 1]!, seqs[i]!) < 0, `${seqs[i - 1]} < ${seqs[i]}`);
      assert.ok(seqs[i - 1]! < seqs[i]!, 'plain string order agrees (fixed width)');
    }
  });

  test('compareSequencers right-pads the shorter value', () => {
    assert.equal(compareSequencers('0A', '0A00'), 0);
    assert.ok(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6') < 0);
    assert.ok(compareSequencers('0056', '0055AED6DCD90281E5') > 0);
    assert.equal(compareSequencers('ff', 'FF'), 0);
  });

  test('rejects counters that are not non-negative safe integers', () => {
    assert.throws(() => sequencerFor(-1), InternalError);
    assert.throws(() => sequencerFor(1.5), InternalError);
    assert.throws(() => sequencerFor(Number.MAX_SAFE_INTEGER + 1), InternalError);
  });
});

describe('record builder: sluice edge cases', () => {
  const base: ObjectCreatedInput = {
    bucket: 'raw',
    key: 'in/run 1/a+b.csv',
    size: 12,
    eTag: '"0cc175b9c0f1b6a831c399e269772661"',
    sequencer: sequencerFor(1),
    eventTime: new Date('2024-05-06T07:08:09.010Z'),
    configurationId: 'toLoader',
  };

  test('defaults: region, ARN, eventName, encoded key, unquoted eTag, ISO time with ms', () => {
    const r = objectCreatedRecord(base);
    assert.equal(r.eventVersion, '2.1');
    assert.equal(r.eventSource, 'aws:s3');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.eventName, 'ObjectCreated:Put');
    assert.equal(r.eventTime, '2024-05-06T07:08:09.010Z');
    assert.equal(r.s3.bucket.arn, 'arn:aws:s3:::raw');
    assert.equal(r.s3.object.key, 'in/run+1/a%2Bb.csv');
    assert.equal(r.s3.object.eTag, '0cc175b9c0f1b6a831c399e269772661');
    assert.match(r.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
    assert.equal(objectCreatedRecord({ ...base, region: 'cn-north-1' }).s3.bucket.arn, 'arn:aws-cn:s3:::raw');
  });

  test('deterministic: same input, same record', () => {
    assert.deepEqual(objectCreatedEvent(base), objectCreatedEvent({ ...base }));
  });

  test("eventName: 's3:' prefix removed (S3-02); '*' and non-ObjectCreated names rejected", () => {
    assert.equal(objectCreatedRecord({ ...base, eventName: 's3:ObjectCreated:Copy' }).eventName, 'ObjectCreated:Copy');
    assert.throws(() => objectCreatedRecord({ ...base, eventName: 'ObjectCreated:*' }), InternalError);
    assert.throws(() => objectCreatedRecord({ ...base, eventName: 'ObjectRemoved:Delete' }), InternalError);
  });

  test('rejects a bad size or sequencer', () => {
    assert.throws(() => objectCreatedRecord({ ...base, size: -1 }), InternalError);
    assert.throws(() => objectCreatedRecord({ ...base, size: 1.5 }), InternalError);
    assert.throws(() => objectCreatedRecord({ ...base, sequencer: 'xyz' }), InternalError);
  });

  test('a worst-case key stays under the 64 KB notification limit (S3-08)', () => {
    const key = '😀'.repeat(256); // 1,024 UTF-8 bytes, the S3 maximum, every byte escaped
    const body = JSON.stringify(objectCreatedEvent({ ...base, key }));
    assert.ok(Buffer.byteLength(body) < S3_MAX_NOTIFICATION_BYTES);
  });

  test('s3:TestEvent has no Records and is recognised (S3-07)', () => {
    const t = s3TestEvent({ bucket: 'raw', time: new Date(0), requestId: '5582815E1AEA5ADF', hostId: 'h' });
    assert.deepEqual(t, {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '1970-01-01T00:00:00.000Z',
      Bucket: 'raw',
      RequestId: '5582815E1AEA5ADF',
      HostId: 'h',
    });
    assert.equal(isS3TestEvent(JSON.parse(JSON.stringify(t))), true);
    assert.equal(isS3TestEvent(objectCreatedEvent(base)), false);
    assert.equal(isS3TestEvent(null), false);
  });
});
