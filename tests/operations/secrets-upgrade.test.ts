// A secrets store from before encryption at rest gets exactly one set of data keys, even when
// several nodes sharing the data folder start at the same moment (different keys per node would
// leave one node's writes unreadable to the others).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('several processes upgrading one old store at once all end up with the same data keys', async () => {
  const old = { version: 1, sessionKey: 's'.repeat(43), tokenKey: 't'.repeat(43), createdAt: new Date().toISOString() };
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(old));
  const script = path.join(dir, 'load.mts');
  const secretsModule = pathToFileURL(path.resolve('signaling/secrets.ts')).href;
  writeFileSync(
    script,
    `import { loadOrCreateSecrets } from '${secretsModule}';\nprocess.stdout.write(JSON.stringify(loadOrCreateSecrets(process.argv[2]).secrets.dataKeys));\n`,
  );
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });
  const results = await Promise.all(Array.from({ length: 6 }, run));
  const stored = JSON.stringify((JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as { dataKeys: unknown }).dataKeys);
  expect(new Set(results)).toEqual(new Set([stored]));
  // The rest of the store is kept as it was.
  expect(JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8'))).toMatchObject(old);
}, 60_000);
