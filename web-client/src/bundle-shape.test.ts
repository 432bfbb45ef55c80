// What a phone downloads and parses is decided by the build (vite.config.ts), not by the source:
// this builds the web client for real and checks which packages ended up in it. React's own
// react-dom (≈ 60 KB compressed) must stay replaced by preact/compat, and mediasoup-client must
// come without its test fakes, its React Native handler and the `debug` logger.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

/** Every module of every chunk, as a path below node_modules/ (or the app's own path). */
async function bundledModules(outDir: string): Promise<string[]> {
  const ids = new Set<string>();
  const collect: Plugin = {
    name: 'bundle-shape-collect',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk') for (const id of Object.keys(chunk.modules)) ids.add(id.replace(/^.*node_modules\//, ''));
      }
    },
  };
  await build({ configFile: CONFIG, mode: 'production', logLevel: 'silent', build: { outDir, emptyOutDir: true }, plugins: [collect] });
  return [...ids];
}

describe('the web client build', () => {
  let outDir: string;
  let modules: string[];
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(os.tmpdir(), 'jiefen-bundle-'));
    modules = await bundledModules(outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs the React code on preact/compat, without react-dom', () => {
    expect(modules.filter((m) => /^react(-dom)?\//.test(m))).toEqual([]);
    expect(modules.some((m) => m.startsWith('preact/compat/'))).toBe(true);
  });

  it("takes mediasoup-client's Device and browser handlers only", () => {
    const ms = modules.filter((m) => m.startsWith('mediasoup-client/'));
    expect(ms).toContain('mediasoup-client/lib/Device.js');
    for (const handler of ['Chrome111', 'Chrome74', 'Firefox120', 'Safari12']) expect(ms).toContain(`mediasoup-client/lib/handlers/${handler}.js`);
    expect(ms.filter((m) => /lib\/(index\.js|test\/|handlers\/(FakeHandler|ReactNative))/.test(m))).toEqual([]);
    expect(modules.filter((m) => /^(debug|fake-mediastreamtrack)\//.test(m))).toEqual([]);
  });
});
