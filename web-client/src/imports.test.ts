// The browser bundle may use only the browser app, npm packages and the few server modules written
// to be shared (no Node APIs, no database, no fastify): this bundles the real entry point with
// esbuild and checks every input it pulled in. A server module imported by mistake fails here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REACT_ON_PREACT } from '../vite.config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Server folders and files the client may import (pure TypeScript, browser-safe). */
const SHARED = [
  'signaling/protocol/',
  'signaling/errors.ts',
  'signaling/access/grants.ts',
  'signaling/domain/',
  'signaling/agreement/',
  'signaling/audit/labels.ts',
  'signaling/audit/events.ts',
  // The import file's columns and limits (constants only): the upload page checks a file before it travels.
  'signaling/intake-desk/import/columns.ts',
  // The dashboard's figures and their definitions (plain data): the page prints the server's 口径.
  'signaling/followup/dashboard/figures.ts',
  // …whose area labels are plain words too.
  'signaling/areas/labels.ts',
];
/** …except the parts of those folders that reach for Node. */
const NODE_ONLY = ['signaling/agreement/template-loader.ts'];

describe('the browser bundle', () => {
  it('pulls in no server module beyond the shared, browser-safe ones', async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'web-client/src/main.tsx')],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      jsx: 'automatic',
      alias: REACT_ON_PREACT,
      loader: { '.css': 'empty' },
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => path.relative(ROOT, path.resolve(ROOT, p)));
    const outside = inputs.filter((p) => !p.startsWith('web-client/src/') && !p.includes('node_modules/'));
    expect(outside.length).toBeGreaterThan(0); // the shared modules are really used
    const forbidden = outside.filter((p) => !SHARED.some((s) => p.startsWith(s)) || NODE_ONLY.includes(p));
    expect(forbidden).toEqual([]);
    expect(inputs.filter((p) => p.startsWith('node:') || /^(fs|path|crypto|child_process)$/.test(p))).toEqual([]);
  });
});
