import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCdcService, CDC_MAIN_CLASS, CDC_PROJECT_DIR, cdcLaunch, cdcSourceKey } from '../../../scripts/services/cdc-build.ts';

/** The CDC service's build step, without Maven: what it runs, and when it skips the build. */
const root = mkdtempSync(join(tmpdir(), 'refract-cdc-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeProject(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src', 'main', 'java'), { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), '<project/>');
  writeFileSync(join(dir, 'src', 'main', 'java', 'A.java'), 'class A {}');
  return dir;
}

describe('cdc-build', () => {
  it('runs the main class from the jar plus lib/*', () => {
    const launch = cdcLaunch('/b', '/jdk/bin/java', '128m');
    expect(launch.command).toBe('/jdk/bin/java');
    expect(launch.classpath).toBe(['/b/refract-cdc.jar', '/b/lib/*'].join(delimiter));
    expect(launch.args).toEqual(['-Xmx128m', '-XX:+UseSerialGC', '-Dfile.encoding=UTF-8', '-cp', launch.classpath, CDC_MAIN_CLASS]);
  });

  it('keys the build on pom.xml and the sources', () => {
    const dir = fakeProject('key');
    const before = cdcSourceKey(dir);
    expect(cdcSourceKey(dir)).toBe(before);
    writeFileSync(join(dir, 'src', 'main', 'java', 'A.java'), 'class A { int x; }');
    expect(cdcSourceKey(dir)).not.toBe(before);
  });

  it('does not run Maven when the marker matches and the jar is there', async () => {
    const dir = fakeProject('built');
    const buildDir = join(root, 'built-out');
    mkdirSync(join(buildDir, 'lib'), { recursive: true });
    writeFileSync(join(buildDir, 'refract-cdc.jar'), '');
    writeFileSync(join(buildDir, '.built.json'), JSON.stringify({ key: cdcSourceKey(dir) }));
    const launch = await buildCdcService({ buildDir, projectDir: dir });
    expect(launch.jar).toBe(join(buildDir, 'refract-cdc.jar'));
    expect(existsSync(join(buildDir, 'settings.xml'))).toBe(false); // written only before a Maven run
  });

  it('points at the real project', () => {
    expect(existsSync(join(CDC_PROJECT_DIR, 'pom.xml'))).toBe(true);
  });
});
