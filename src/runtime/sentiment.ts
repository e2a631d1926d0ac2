/**
 * `ctx.sentiment`: the same checks on every stage before a text reaches the service, then the
 * backend's detector (the local model, or Amazon Comprehend). A text Comprehend would reject (empty,
 * over 5,000 bytes of UTF-8) fails here with SLUICE_E_SENTIMENT_TEXT, or lands in `ErrorList` for a
 * batch, so a step sees the same outcome locally and on AWS. Texts are never split: the sentiment of
 * a text's parts is not the sentiment of the whole, so splitting would answer a different question.
 * Batches go in chunks of Comprehend's 25 documents, indexes kept as the caller gave them.
 */
import { InputError, InternalError } from '../model/errors.js';
import { COMPREHEND_LIMITS } from '../model/comprehend.js';
import type { StepBindings } from './bindings.js';
import type { BatchSentimentResult, SentimentClient, SentimentOptions, SentimentResult } from './types.js';

/** A service's backend: detect one text, or a batch of at most 25 valid texts. */
export interface SentimentIo {
  detect(text: string): Promise<SentimentResult>;
  /** At most 25 texts, each already checked; indexes relative to `texts`. */
  batch(texts: readonly string[]): Promise<BatchSentimentResult>;
}

/** How a backend opens a service: by node name and language. */
export type SentimentBackend = (service: { name: string; language: string }) => SentimentIo;

/** Why Comprehend would reject a text, or undefined when it would take it. */
export function textProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return `a text must be a string (given ${text === null ? 'null' : typeof text})`;
  if (text.length === 0) return 'a text must not be empty';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > COMPREHEND_LIMITS.maxDocumentBytes) return `a text may be at most ${COMPREHEND_LIMITS.maxDocumentBytes} bytes of UTF-8 (given ${bytes} bytes); trim or summarize it first`;
  return undefined;
}

/**
 * The `ctx.sentiment` of a step: checked against its `uses` declarations, each text checked as
 * Comprehend would, then sent to the backend.
 */
export function sentimentClient(bindings: StepBindings, backend: SentimentBackend | undefined): SentimentClient {
  const declared = bindings.sentiment ?? [];
  const opened = new Map<string, SentimentIo>();
  const serviceFor = (options: SentimentOptions | undefined): SentimentIo => {
    const wanted = options?.service;
    const service = wanted === undefined ? (declared.length === 1 ? declared[0] : undefined) : declared.find((s) => s.name === wanted);
    if (!service) {
      const why = declared.length === 0
        ? `uses no sentiment service; declare ${bindings.node}.uses(comprehend('sentiment', 'sentiment'))`
        : wanted === undefined
          ? `uses ${declared.length} sentiment services (${declared.map((s) => `'${s.name}'`).join(', ')}); name one: ctx.sentiment(text, { service: '${declared[0]!.name}' })`
          : `does not use a sentiment service named '${wanted}' (it uses ${declared.map((s) => `'${s.name}'`).join(', ')}); declare ${bindings.node}.uses(${wanted})`;
      throw new InputError('SLUICE_E_SENTIMENT_SERVICE', `function '${bindings.node}' ${why}`, { node: bindings.node, field: wanted ?? 'sentiment', expected: 'invoke' });
    }
    if (!backend) throw new InternalError(`function '${bindings.node}' runs on an I/O backend without a sentiment service`);
    let io = opened.get(service.name);
    if (!io) opened.set(service.name, (io = backend(service)));
    return io;
  };
  const detect = async (text: string, options?: SentimentOptions): Promise<SentimentResult> => {
    const io = serviceFor(options);
    const problem = textProblem(text);
    if (problem) throw new InputError('SLUICE_E_SENTIMENT_TEXT', `function '${bindings.node}': ctx.sentiment: ${problem}`, { node: bindings.node, field: 'text', expected: `1..${COMPREHEND_LIMITS.maxDocumentBytes} bytes of UTF-8` });
    return io.detect(text);
  };
  const batch = async (texts: readonly string[], options?: SentimentOptions): Promise<BatchSentimentResult> => {
    const io = serviceFor(options);
    const out: BatchSentimentResult = { ResultList: [], ErrorList: [] };
    const valid: number[] = [];
    for (const [index, text] of [...texts].entries()) {
      const problem = textProblem(text);
      if (problem) out.ErrorList.push({ Index: index, ErrorCode: 'SLUICE_E_SENTIMENT_TEXT', ErrorMessage: problem });
      else valid.push(index);
    }
    for (let start = 0; start < valid.length; start += COMPREHEND_LIMITS.maxBatchDocuments) {
      const chunk = valid.slice(start, start + COMPREHEND_LIMITS.maxBatchDocuments);
      const answer = await io.batch(chunk.map((i) => texts[i]!));
      // Indexes move from the chunk's to the caller's in place: the answer is ours to change.
      for (const r of answer.ResultList) out.ResultList.push(Object.assign(r, { Index: chunk[r.Index]! }));
      for (const e of answer.ErrorList) out.ErrorList.push(Object.assign(e, { Index: chunk[e.Index]! }));
    }
    // Chunks go in order, so results come in order; errors mix refused texts with the service's.
    if (out.ResultList.some((r, i) => i > 0 && out.ResultList[i - 1]!.Index > r.Index)) out.ResultList.sort((a, b) => a.Index - b.Index);
    out.ErrorList.sort((a, b) => a.Index - b.Index);
    return out;
  };
  return Object.assign(detect, { batch });
}
