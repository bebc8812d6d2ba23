import type { Embedder } from '../../ports/embedder.port.ts';

export interface HashingEmbedderConfig {
  readonly dimension?: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Trigrams start from another basis, so the trigram "abc" and the word "abc" land apart. */
const TRIGRAM_OFFSET = 0x9e3779b9;
/** Stands for a word's edges in its trigrams; never a word character itself. */
const EDGE = 0x02;
const TRIGRAM_WEIGHT = 0.5;
/** Where a text without a single word token goes, so that no vector is ever zero. */
const EMPTY_TEXT_HASH = fnvStep(FNV_OFFSET, 0);

let wordChars: Uint8Array | undefined;

/**
 * A deterministic, model-free embedder: signed feature hashing of lower-cased word tokens
 * and their character trigrams, L2-normalised. Fast and stable, but it only sees shared
 * spelling, never meaning: for tests and as a clearly labelled fallback.
 */
export function createHashingEmbedder(config: HashingEmbedderConfig = {}): Embedder {
  const dimension = config.dimension ?? 384;
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new RangeError(`hashing embedder dimension must be a positive integer, got ${dimension}`);
  }
  wordChars ??= buildWordCharTable();
  const table = wordChars;
  return {
    modelId: `hashing-${dimension}-v1`,
    dimension,
    embed: (texts) => Promise.resolve(texts.map((text) => hashText(text, dimension, table))),
  };
}

function hashText(text: string, dimension: number, isWord: Uint8Array): Float32Array {
  const vector = new Float32Array(dimension);
  const lower = text.toLowerCase();
  const length = lower.length;
  let start = 0;
  while (start < length) {
    if (isWord[lower.charCodeAt(start)] === 0) {
      start += 1;
      continue;
    }
    let end = start;
    let word = FNV_OFFSET;
    while (end < length && isWord[lower.charCodeAt(end)] === 1) {
      word = fnvStep(word, lower.charCodeAt(end));
      end += 1;
    }
    addFeature(vector, word, 1, dimension);
    // Trigrams of "<edge>word<edge>": one per character of the word.
    for (let at = start - 1; at < end - 1; at += 1) {
      let gram = TRIGRAM_OFFSET;
      for (let k = at; k < at + 3; k += 1) gram = fnvStep(gram, k < start || k >= end ? EDGE : lower.charCodeAt(k));
      addFeature(vector, gram, TRIGRAM_WEIGHT, dimension);
    }
    start = end;
  }
  return normalise(vector, dimension);
}

function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** Adds ±weight at the bucket the (avalanched) hash picks; the low bit gives the sign. */
function addFeature(vector: Float32Array, hash: number, weight: number, dimension: number): void {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const bucket = (h >>> 1) % dimension;
  vector[bucket] = (vector[bucket] ?? 0) + ((h & 1) === 0 ? weight : -weight);
}

function normalise(vector: Float32Array, dimension: number): Float32Array {
  let sum = 0;
  for (let i = 0; i < dimension; i += 1) sum += (vector[i] ?? 0) ** 2;
  if (sum === 0) {
    // No tokens, or features that cancelled out exactly: a fixed, labelled direction instead of zero.
    vector.fill(0);
    addFeature(vector, EMPTY_TEXT_HASH, 1, dimension);
    return vector;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimension; i += 1) vector[i] = (vector[i] ?? 0) * scale;
  return vector;
}

/** 1 for every UTF-16 code unit that is a letter or digit; built once, so scanning never allocates. */
function buildWordCharTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const letterOrDigit = /[\p{L}\p{N}]/u;
  for (let code = 0; code < 0x10000; code += 1) {
    if (code < 0x80) {
      table[code] = (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) ? 1 : 0;
    } else if (code < 0xd800 || code > 0xdfff) {
      table[code] = letterOrDigit.test(String.fromCharCode(code)) ? 1 : 0;
    }
  }
  return table;
}
