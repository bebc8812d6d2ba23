import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** What to resolve; see resolveMaven. */
export interface MavenResolveOptions {
  /** Folder that receives the files, e.g. `.services/pulsar/lib`. Owned by the helper: emptied on a re-resolve. */
  readonly outDir: string;
  /**
   * Coordinates `groupId:artifactId:version[:type[:classifier]]`, e.g.
   * `org.apache.pulsar:pulsar-broker:3.3.9` or `org.apache.pulsar:pulsar-server-distribution:3.3.9:tar.gz:bin`.
   */
  readonly artifacts: readonly string[];
  /** Copy the whole runtime closure (default) or only the named artifacts themselves. */
  readonly transitive?: boolean;
  /**
   * POMs `groupId:artifactId:version` imported as BOMs, so the closure gets the versions the
   * project itself ships with (e.g. `org.apache.pulsar:pulsar:4.0.7`) instead of Maven's nearest-wins.
   */
  readonly boms?: readonly string[];
  /** `groupId:artifactId` (either part may be `*`) to leave out of every artifact's closure. */
  readonly exclusions?: readonly string[];
  /** Progress lines; defaults to silence. */
  readonly log?: (message: string) => void;
}

const MARKER = '.resolved.json';
const PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/**
 * Resolves Maven artifacts from Maven Central into `outDir` and returns the file names copied there.
 *
 * Runs `mvn -B -q dependency:copy-dependencies` on a generated POM with a settings.xml that mirrors
 * every repository to Central (some released POMs declare others). Downloads are cached in ~/.m2;
 * once `outDir` holds a marker for the same inputs and every listed file, a second call touches
 * neither Maven nor the network. The scratch POM lives next to `outDir` in `<outDir>.maven/`.
 *
 * @example
 * const jars = await resolveMaven({ outDir: join(ctx.dir, 'lib'), artifacts: ['org.janusgraph:janusgraph-server:1.1.0'] });
 */
export async function resolveMaven(options: MavenResolveOptions): Promise<readonly string[]> {
  const { outDir, log = () => undefined } = options;
  const key = inputKey(options);
  const cached = await readMarker(outDir, key);
  if (cached) return cached;

  log(`resolving ${options.artifacts.join(', ')} from Maven Central (first run downloads; cached in ~/.m2)`);
  const work = `${outDir}.maven`;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await writeFile(join(work, 'pom.xml'), pomXml(options));
  await writeFile(join(work, 'settings.xml'), SETTINGS_XML);
  await runMaven(work, [
    '-B', '-q', '-s', 'settings.xml', `${PLUGIN}:copy-dependencies`,
    `-DoutputDirectory=${outDir}`, '-DincludeScope=runtime',
    `-DexcludeTransitive=${options.transitive === false}`,
  ]);
  const files = (await readdir(outDir)).filter((f) => f !== MARKER).sort();
  await writeFile(join(outDir, MARKER), JSON.stringify({ key, files }, null, 2));
  log(`resolved ${files.length} files into ${outDir}`);
  return files;
}

function inputKey(options: MavenResolveOptions): string {
  const { artifacts, boms = [], transitive = true, exclusions = [] } = options;
  return createHash('sha256').update(JSON.stringify({ artifacts, boms, transitive, exclusions, PLUGIN })).digest('hex');
}

async function readMarker(outDir: string, key: string): Promise<readonly string[] | undefined> {
  const path = join(outDir, MARKER);
  if (!existsSync(path)) return undefined;
  const marker = JSON.parse(await readFile(path, 'utf8')) as { key?: string; files?: string[] };
  if (marker.key !== key || !marker.files) return undefined;
  return marker.files.every((f) => existsSync(join(outDir, f))) ? marker.files : undefined;
}

function pomXml({ artifacts, boms = [], exclusions = [] }: MavenResolveOptions): string {
  const excl = exclusions.map((e) => {
    const [g = '*', a = '*'] = e.split(':');
    return `<exclusion><groupId>${g}</groupId><artifactId>${a}</artifactId></exclusion>`;
  }).join('');
  const deps = artifacts.map((coordinate) => {
    const [g, a, v, type = 'jar', classifier] = coordinate.split(':');
    if (!g || !a || !v) throw new Error(`MAVEN.BAD_COORDINATE: ${coordinate} (want group:artifact:version[:type[:classifier]])`);
    const cls = classifier ? `<classifier>${classifier}</classifier>` : '';
    return `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version>` +
      `<type>${type}</type>${cls}<exclusions>${excl}</exclusions></dependency>`;
  }).join('\n    ');
  const imports = boms.map((coordinate) => {
    const [g, a, v] = coordinate.split(':');
    if (!g || !a || !v) throw new Error(`MAVEN.BAD_COORDINATE: ${coordinate} (want group:artifact:version)`);
    return `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version>` +
      '<type>pom</type><scope>import</scope></dependency>';
  }).join('\n    ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>refract.services</groupId><artifactId>resolve</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencyManagement><dependencies>
    ${imports}
  </dependencies></dependencyManagement>
  <dependencies>
    ${deps}
  </dependencies>
</project>
`;
}

/** Settings that send every repository request to Maven Central and nowhere else. */
export const SETTINGS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <mirrors>
    <mirror><id>central-only</id><mirrorOf>*</mirrorOf><url>https://repo.maven.apache.org/maven2</url></mirror>
  </mirrors>
</settings>
`;

/** Runs mvn in `cwd`; a failure carries the last 8 KB of its output. */
export function runMaven(cwd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-8000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => reject(new Error(`MAVEN.UNAVAILABLE: cannot run mvn (${error.message})`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`MAVEN.FAILED: mvn exited ${code} in ${dirname(join(cwd, 'pom.xml'))}\n${output}`));
    });
  });
}
