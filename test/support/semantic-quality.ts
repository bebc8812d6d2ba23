import type { Embedder } from '../../src/ports/embedder.port.ts';

/**
 * A small retrieval check for embedders: person and company descriptions, and queries that
 * paraphrase one of them while sharing (almost) no words with it. A model that captures
 * meaning finds the target; one that matches spelling does not. Some queries reuse a word
 * of a *wrong* description on purpose ("developer", "company", "people").
 */
export const SEMANTIC_CORPUS: Readonly<Record<string, string>> = {
  anna: 'Anna Novak, paediatrician at the city children\'s hospital',
  ben: 'Ben Okafor, commercial airline pilot on long-haul routes',
  chen: 'Chen Wei, defence lawyer specialising in criminal trials',
  dora: 'Dora Lindqvist, primary school teacher for seven-year-olds',
  emil: 'Emil Brandt, head chef of a seafood restaurant',
  farah: 'Farah Haddad, software engineer building mobile banking apps',
  gustav: 'Gustav Meyer, dairy farmer with two hundred cows',
  northsteel: 'Northsteel AG, manufacturer of rolled steel plate for shipyards',
  greenvolt: 'GreenVolt Ltd, operator of offshore wind farms',
  medsure: 'MedSure plc, health insurance company for families',
  quickcart: 'QuickCart Inc, online grocery delivery service',
  lumen: 'Lumen Pharma, developer of cancer drugs',
};

/** Each query and the corpus key it should retrieve first. */
export const SEMANTIC_QUERIES: readonly { readonly query: string; readonly expected: string }[] = [
  { query: 'a physician who treats kids', expected: 'anna' },
  { query: 'someone who flies passenger jets', expected: 'ben' },
  { query: 'attorney representing people accused in court', expected: 'chen' },
  { query: 'educator of young pupils', expected: 'dora' },
  { query: 'cook at a fish eatery', expected: 'emil' },
  { query: 'developer of smartphone finance applications', expected: 'farah' },
  { query: 'company making metal for boat builders', expected: 'northsteel' },
  { query: 'renewable electricity generated at sea', expected: 'greenvolt' },
];

export interface SemanticQualityResult {
  readonly hits: number;
  readonly total: number;
  readonly hitRate: number;
  /** Queries whose top hit was wrong, with what came first instead. */
  readonly misses: readonly { readonly query: string; readonly expected: string; readonly got: string }[];
}

/** Embeds corpus and queries (two batched calls) and counts queries whose nearest description is the expected one. */
export async function measureSemanticQuality(embedder: Embedder): Promise<SemanticQualityResult> {
  const keys = Object.keys(SEMANTIC_CORPUS);
  const documents = await embedder.embed(keys.map((key) => SEMANTIC_CORPUS[key] ?? ''));
  const queries = await embedder.embed(SEMANTIC_QUERIES.map(({ query }) => query));
  const misses: { query: string; expected: string; got: string }[] = [];
  SEMANTIC_QUERIES.forEach(({ query, expected }, index) => {
    const vector = queries[index];
    if (vector === undefined) throw new Error(`no vector for query ${index}`);
    let best = -Infinity;
    let got = '';
    documents.forEach((document, d) => {
      const similarity = dot(vector, document);
      if (similarity > best) [best, got] = [similarity, keys[d] ?? ''];
    });
    if (got !== expected) misses.push({ query, expected, got });
  });
  const total = SEMANTIC_QUERIES.length;
  return { hits: total - misses.length, total, hitRate: (total - misses.length) / total, misses };
}

/** Cosine similarity of L2-normalised vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}
