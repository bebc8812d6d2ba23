import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJava } from './java.ts';
import { runMaven, SETTINGS_XML } from './maven.ts';

/**
 * The CDC service (services/cdc: Debezium embedded engine → Pulsar), built with Maven from its
 * own pom.xml into a folder of the launcher's, and the command that runs it. Maven resolves
 * from Central once (cached in ~/.m2); a second build with the same sources needs no network,
 * and an unchanged build is not rerun at all.
 */
export const CDC_MAIN_CLASS = 'dev.refract.services.cdc.CdcService';
/** Debezium 3.6 and Kafka Connect 4 need Java 17. */
export const CDC_JAVA_MAJOR = 17;
export const CDC_PROJECT_DIR = fileURLToPath(new URL('../../services/cdc/', import.meta.url));
const MARKER = '.built.json';

export interface CdcBuildOptions {
  /** Where the jar and its lib/ go, e.g. `.services/cdc/build`. Owned by the build. */
  readonly buildDir: string;
  /** The Maven project; defaults to services/cdc. */
  readonly projectDir?: string;
  readonly log?: (message: string) => void;
}

/** What runs the service: `command args…`; configuration comes from REFRACT_CDC_* environment variables. */
export interface CdcLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly classpath: string;
  readonly jar: string;
}

/** Builds the jar if it is missing or its sources changed, and returns how to run it. */
export async function buildCdcService(options: CdcBuildOptions): Promise<CdcLaunch> {
  const { buildDir, projectDir = CDC_PROJECT_DIR, log = () => undefined } = options;
  const key = cdcSourceKey(projectDir);
  if (!(await isBuilt(buildDir, key))) {
    log(`building the CDC service with Maven into ${buildDir} (first run downloads Debezium and the Pulsar client; cached in ~/.m2)`);
    await mkdir(buildDir, { recursive: true });
    const settings = join(buildDir, 'settings.xml');
    await writeFile(settings, SETTINGS_XML);
    await runMaven(projectDir, ['-B', '-q', '-s', settings, `-Dcdc.build.dir=${buildDir}`, '-DskipTests', 'package']);
    await writeFile(join(buildDir, MARKER), JSON.stringify({ key }, null, 2));
    log(`built ${join(buildDir, 'refract-cdc.jar')}`);
  }
  return cdcLaunch(buildDir, findJava(CDC_JAVA_MAJOR).bin);
}

/** The java command for a built service (pure; see buildCdcService). */
export function cdcLaunch(buildDir: string, javaBin: string, heap = process.env['REFRACT_CDC_HEAP'] ?? '256m'): CdcLaunch {
  const jar = join(buildDir, 'refract-cdc.jar');
  const classpath = [jar, join(buildDir, 'lib', '*')].join(delimiter);
  return {
    command: javaBin,
    args: [`-Xmx${heap}`, '-XX:+UseSerialGC', '-Dfile.encoding=UTF-8', '-cp', classpath, CDC_MAIN_CLASS],
    classpath,
    jar,
  };
}

/** A hash of pom.xml and every file under src/: a change rebuilds, nothing else does. */
export function cdcSourceKey(projectDir: string): string {
  const hash = createHash('sha256');
  const files = [join(projectDir, 'pom.xml'), ...listFiles(join(projectDir, 'src'))].sort();
  for (const file of files) hash.update(relative(projectDir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

async function isBuilt(buildDir: string, key: string): Promise<boolean> {
  const marker = join(buildDir, MARKER);
  if (!existsSync(marker) || !existsSync(join(buildDir, 'refract-cdc.jar')) || !existsSync(join(buildDir, 'lib'))) return false;
  const recorded = JSON.parse(await readFile(marker, 'utf8')) as { key?: string };
  return recorded.key === key;
}

