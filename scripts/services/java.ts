import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** A JDK on this machine: its `java` binary and its feature release (17, 21, 25…). */
export interface JavaRuntime {
  readonly bin: string;
  readonly major: number;
}

/**
 * Finds the JDK with the lowest feature release >= `minMajor` (the closest to what the server was
 * tested on). Looks at REFRACT_JAVA_HOME, JAVA_HOME, the `java` on PATH, /usr/lib/jvm/* and macOS's
 * JavaVirtualMachines; throws JAVA.MISSING naming what it found.
 */
export function findJava(minMajor: number): JavaRuntime {
  let runtime = cache.get(minMajor);
  if (!runtime) cache.set(minMajor, (runtime = lookUpJava(minMajor)));
  return runtime;
}

/** JDKs do not come and go while the launcher runs: look each requirement up once. */
const cache = new Map<number, JavaRuntime>();

function lookUpJava(minMajor: number): JavaRuntime {
  const found = candidateHomes().flatMap((home) => {
    const major = releaseMajor(home);
    return major === undefined ? [] : [{ bin: join(home, 'bin', 'java'), major }];
  });
  const fit = found.filter((j) => j.major >= minMajor).sort((a, b) => a.major - b.major)[0];
  if (fit) return fit;
  const seen = found.map((j) => `${j.major} (${j.bin})`).join(', ') || 'none';
  throw new Error(`JAVA.MISSING: need Java ${minMajor}+, found ${seen}; set REFRACT_JAVA_HOME to a suitable JDK`);
}

function candidateHomes(): string[] {
  const homes = [process.env.REFRACT_JAVA_HOME, process.env.JAVA_HOME, pathJavaHome()];
  for (const root of ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines']) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root)) homes.push(join(root, entry), join(root, entry, 'Contents', 'Home'));
  }
  return [...new Set(homes.filter((h): h is string => Boolean(h) && existsSync(join(h ?? '', 'bin', 'java'))))];
}

function pathJavaHome(): string | undefined {
  try {
    const which = execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim();
    return which ? dirname(dirname(realpathSync(which))) : undefined;
  } catch {
    return undefined;
  }
}

function releaseMajor(home: string): number | undefined {
  const release = join(home, 'release');
  if (!existsSync(release)) return undefined;
  const match = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(readFileSync(release, 'utf8'));
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first; // "1.8.0" is Java 8
}
