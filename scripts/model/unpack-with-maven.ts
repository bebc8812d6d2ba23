import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const POM = join(dirname(fileURLToPath(import.meta.url)), 'pom.xml');

export interface UnpackRequest {
  /** `groupId:artifactId:version:type`. */
  readonly artifact: string;
  /** Comma-separated Ant patterns of the entries to extract, e.g. `*.onnx,*.json`. */
  readonly includes: string;
  readonly outputDirectory: string;
  /** Scratch space for Maven's unpack markers (kept out of the source tree). */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/**
 * Resolves one artifact through Maven (cached in ~/.m2; settings.xml mirrors and proxies
 * apply) and extracts entries from it. Reports downloads as they happen; on failure the
 * error carries Maven's output.
 */
export async function unpackWithMaven(request: UnpackRequest): Promise<void> {
  const args = [
    '-B', '-f', POM, 'dependency:unpack',
    `-Dartifact=${request.artifact}`,
    `-DoutputDirectory=${request.outputDirectory}`,
    `-Dmdep.unpack.includes=${request.includes}`,
    `-Drefract.workDir=${request.workDir}`,
  ];
  const [, artifactId, version, type = 'jar'] = request.artifact.split(':');
  const jarName = `${artifactId ?? ''}-${version ?? ''}.${type}`;
  const output: string[] = [];
  let notedTooling = false;
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        const download = /Download(ing|ed) from [^:]+: (\S+)(.*)$/.exec(line);
        if (download?.[2] === undefined) continue;
        if (download[2].includes(`/${artifactId ?? ''}/`)) {
          if (!download[2].endsWith(jarName)) continue;
          request.log(download[1] === 'ed' ? `  downloaded ${jarName}${download[3] ?? ''}` : `  downloading ${download[2]}`);
        } else if (!notedTooling) {
          notedTooling = true;
          request.log('  Maven is fetching its dependency plugin (first run only)');
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT'
        ? new Error('Maven (`mvn`) was not found on PATH. Install Maven 3.8+ and a JDK, or copy a prepared model directory from a machine that has them.')
        : error);
    });
    child.on('close', (exitCode) => {
      output.push(partial);
      resolve(exitCode ?? 1);
    });
  });
  if (code !== 0) {
    const tail = output.filter((line) => line.trim() !== '').slice(-25).join('\n');
    throw new Error(`Maven could not resolve ${request.artifact} (exit ${code}). Its output ends with:\n${tail}`);
  }
}
