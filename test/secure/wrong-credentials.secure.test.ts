import { randomBytes } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hs256Token } from '../../scripts/services/secure.ts';
import { leaks, secureRun, type CommandOutput } from '../support/secure-run.ts';

/**
 * Wrong credentials, on the secured servers (docs/adr/0022): `refract run` stops at once with a
 * configuration error that names the server and the setting to fix, tries nothing twice, and
 * prints neither the right secret nor the wrong one it was given.
 */
const run = secureRun('wrong');
const servers = ['run', '--event-log', 'pulsar', '--graph', 'janusgraph', '--vectors', 'opensearch'];
const wrong = randomBytes(18).toString('base64url');
const wrongFile = join(run.workDir, 'wrong-secret');
writeFileSync(wrongFile, `${wrong}\n`, { mode: 0o600 });
const forgedFile = join(run.workDir, 'forged-token');
// A well-formed token for the right role, signed with a key the broker does not know.
const forged = hs256Token('refract', randomBytes(32));
writeFileSync(forgedFile, forged, { mode: 0o600 });

/** Exit 1 within seconds, CONFIG.INVALID with `says`, no retry, and neither the right secrets nor the wrong ones printed. */
function expectStoppedAtOnce(out: CommandOutput, says: RegExp): void {
  expect(out.code, out.stdout + out.stderr).toBe(1);
  expect(out.stderr).toMatch(/\[CONFIG\.INVALID\]/);
  expect(out.stderr).toMatch(says);
  expect(out.stderr).not.toMatch(/retry|attempt \d/i);
  expect(out.ms).toBeLessThan(30_000);
  const printed = { stdout: out.stdout, stderr: out.stderr };
  expect(leaks(printed)).toEqual([]);
  expect(leaks(printed, [{ name: 'the wrong password', value: wrong }, { name: 'the forged token', value: forged }])).toEqual([]);
}

afterAll(async () => {
  await run.cleanUp();
  rmSync(run.workDir, { recursive: true, force: true });
}, 120_000);

const cases: { name: string; env: Record<string, string | undefined>; says: RegExp }[] = [
  { name: 'a Pulsar token signed with another key', env: { REFRACT_PULSAR_TOKEN_FILE: forgedFile }, says: /Pulsar at https:\/\/127\.0\.0\.1:\d+ refused .*\(401\).*REFRACT_PULSAR_TOKEN/ },
  { name: 'no Pulsar token', env: { REFRACT_PULSAR_TOKEN_FILE: undefined }, says: /Pulsar at https:\/\/127\.0\.0\.1:\d+ refused .*\(401\).*pulsarToken/ },
  { name: 'a wrong JanusGraph password', env: { REFRACT_JANUSGRAPH_PASSWORD_FILE: wrongFile }, says: /JanusGraph at wss:\/\/127\.0\.0\.1:\d+ refused .*\(401\).*janusgraphPassword/ },
  { name: 'a wrong OpenSearch password', env: { REFRACT_OPENSEARCH_PASSWORD_FILE: wrongFile }, says: /OpenSearch at https:\/\/127\.0\.0\.1:\d+ refused Refract's credentials.*opensearchPassword/ },
  { name: 'no CA to trust the servers\' certificates', env: { REFRACT_CA_FILE: undefined }, says: /Pulsar at https:\/\/127\.0\.0\.1:\d+ presented a certificate Refract does not trust .*REFRACT_CA_FILE/ },
];

describe('refract run with wrong credentials', () => {
  for (const { name, env, says } of cases) {
    describe(`when it is given ${name}`, () => {
      it('exits 1 at once with CONFIG.INVALID naming the server and the setting, without retrying or printing a secret', async () => {
        expectStoppedAtOnce(await run.refract(servers, env, 60_000), says);
      });
    });
  }
});

/** The one-shot commands each reach one server: each refusal and each untrusted certificate is named the same way. */
const oneShot: { name: string; args: string[]; env: Record<string, string | undefined>; says: RegExp }[] = [
  { name: 'graph init without the CA', args: ['graph', 'init'], env: { REFRACT_CA_FILE: undefined }, says: /JanusGraph at wss:\/\/127\.0\.0\.1:\d+ presented a certificate Refract does not trust/ },
  { name: 'graph init with a wrong password', args: ['graph', 'init'], env: { REFRACT_JANUSGRAPH_PASSWORD_FILE: wrongFile }, says: /JanusGraph at wss:\/\/127\.0\.0\.1:\d+ refused schema init \(401\)/ },
  { name: 'vectors init without the CA', args: ['vectors', 'init'], env: { REFRACT_CA_FILE: undefined }, says: /OpenSearch at https:\/\/127\.0\.0\.1:\d+ presented a certificate Refract does not trust/ },
  { name: 'vectors init with a wrong password', args: ['vectors', 'init'], env: { REFRACT_OPENSEARCH_PASSWORD_FILE: wrongFile }, says: /OpenSearch at https:\/\/127\.0\.0\.1:\d+ refused Refract's credentials/ },
  { name: 'dead-letters list with a forged token', args: ['dead-letters', 'list', 'graph'], env: { REFRACT_PULSAR_TOKEN_FILE: forgedFile }, says: /Pulsar at https:\/\/127\.0\.0\.1:\d+ refused .*\(401\)/ },
];

describe('one-shot commands with wrong credentials', () => {
  for (const { name, args, env, says } of oneShot) {
    it(`${name}: exits 1 at once with CONFIG.INVALID naming the server, without retrying or printing a secret`, async () => {
      expectStoppedAtOnce(await run.refract(args, env, 60_000), says);
    });
  }
});
