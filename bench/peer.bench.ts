import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareModel } from '../scripts/prepare-model.ts';
import { createMiniLmEmbedder } from '../src/adapters/embedding/minilm-embedder.ts';
import { sampleTexts, textsPerSecond } from './embedding.bench.ts';
import type { Figure } from './report.ts';

const POM = join(dirname(fileURLToPath(import.meta.url)), 'peer', 'pom.xml');
/** Outside the tree, like scripts/model/pom.xml's: the pom's default build directory. */
const BUILD_DIR = join(tmpdir(), 'refract-peer-embedding');

export interface PeerResult {
  readonly variant: 'fp32' | 'int8';
  readonly textsPerSecond: number;
  readonly textsPerCpuSecond: number;
}

export type PeerOutcome = { readonly results: readonly PeerResult[] } | { readonly skipped: string };

/**
 * LangChain4j's in-process all-MiniLM-L6-v2 (fp32 and int8, from Maven Central) on the same
 * texts, batch by batch, after a warm-up: the peer the embedder is measured against. Needs
 * Maven and a JDK 17+; without them it says why and measures nothing.
 */
export async function benchPeer(texts: readonly string[], batchSize = 32): Promise<PeerOutcome> {
  for (const [tool, args] of [['mvn', ['-v']], ['java', ['-version']]] as const) {
    const probe = await run(tool, args).catch((error: unknown) => ({ code: -1, output: String(error) }));
    if (probe.code !== 0) return { skipped: `\`${tool}\` is not usable here (${probe.output.split('\n')[0] ?? ''}); install Maven 3.8+ and a JDK 17+` };
  }
  const classpathFile = join(BUILD_DIR, 'classpath.txt');
  const build = await run('mvn', ['-B', '-q', '-f', POM, `-Drefract.workDir=${BUILD_DIR}`, 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`]);
  if (build.code !== 0) return { skipped: `Maven could not build bench/peer: ${build.output.trim().split('\n').slice(-5).join(' | ')}` };
  const classpath = `${join(BUILD_DIR, 'classes')}:${(await readFile(classpathFile, 'utf8')).trim()}`;
  const scratch = await mkdtemp(join(tmpdir(), 'refract-peer-texts-'));
  try {
    const textsFile = join(scratch, 'texts.txt');
    // One text per line: the generator's texts hold no line breaks, but keep it true anyway.
    await writeFile(textsFile, texts.map((t) => t.replace(/\s+/g, ' ')).join('\n'));
    const java = await run('java', ['-cp', classpath, 'dev.refract.peer.PeerEmbedding', textsFile, String(batchSize), '1', '2', 'fp32', 'int8']);
    if (java.code !== 0) return { skipped: `the peer failed (exit ${java.code}): ${java.output.trim().split('\n').slice(-3).join(' | ')}` };
    const results = java.output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as PeerResult);
    return { results };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Refract's embedder (in process, fp32 and int8) next to LangChain4j's on the same 256
 * texts in batches of 32, measured one after the other; the row that matters is int8 vs int8.
 */
export async function benchEmbedderVsPeer(): Promise<Figure[] | string> {
  const { dir } = await prepareModel({ log: () => undefined });
  await prepareModel({ dir, quantized: true, log: () => undefined });
  const texts = sampleTexts(256);
  const refract: Record<string, number> = {};
  for (const quantized of [false, true]) {
    refract[quantized ? 'int8' : 'fp32'] = await textsPerSecond(await createMiniLmEmbedder({ modelDir: dir, batchSize: 32, quantized }), texts);
  }
  const peer = await benchPeer(texts);
  if ('skipped' in peer) return `LangChain4j not measured: ${peer.skipped}`;
  const peerRate = (variant: string): number => peer.results.find((r) => r.variant === variant)?.textsPerSecond ?? Number.NaN;
  return [
    { name: 'LangChain4j all-MiniLM-L6-v2 fp32', value: peerRate('fp32'), unit: 'texts/s' },
    { name: 'LangChain4j all-MiniLM-L6-v2 int8', value: peerRate('int8'), unit: 'texts/s' },
    { name: 'Refract all-MiniLM-L6-v2 fp32', value: refract['fp32'] ?? Number.NaN, unit: 'texts/s', baseline: peerRate('fp32'), baselineName: 'LangChain4j fp32' },
    { name: 'Refract all-MiniLM-L6-v2 int8', value: refract['int8'] ?? Number.NaN, unit: 'texts/s', baseline: peerRate('int8'), baselineName: 'LangChain4j int8', target: '≥ 1.5×' },
  ];
}
