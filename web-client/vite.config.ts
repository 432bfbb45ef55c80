import { defineConfig, type Plugin } from 'vite';
import type { OutputBundle, OutputChunk } from 'rolldown';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('.', import.meta.url));
// Override with JIEFEN_API=http://host:port when the server runs elsewhere.
const backend = process.env.JIEFEN_API ?? 'http://127.0.0.1:3000';

// No @vitejs/plugin-react: Vite's built-in oxc transform compiles TSX with the
// automatic JSX runtime. The server's CSP forbids inline scripts/styles, so the
// build must only emit external .js/.css files (Vite's default behaviour).
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

/**
 * Beside every text file of the build, its brotli (.br) and gzip (.gz) forms, compressed once at
 * build time at the highest levels, which the server sends to browsers that accept them
 * (@fastify/static preCompressed): a phone on a slow link downloads about a quarter of the bytes.
 */
function precompress(): Plugin {
  return {
    name: 'jiefen-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const file = path.join(dir, name);
          return statSync(file).isDirectory() ? walk(file) : [file];
        });
      for (const file of walk(path.join(root, 'dist')).filter((f) => COMPRESSIBLE.test(f))) {
        const bytes = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

/** A chunk and its static imports, each once, skipping those in `seen` (and adding them to it). */
function chunkGraph(bundle: OutputBundle, fileName: string, seen: Set<string>): string[] {
  const out: string[] = [];
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    out.push(file);
    const c = bundle[file];
    if (c?.type === 'chunk') c.imports.forEach(walk);
  };
  walk(fileName);
  return out;
}

/** The chunk a module starts (an entry), or else the chunk it was bundled into. */
function chunkFor(bundle: OutputBundle, source: string): OutputChunk {
  const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
  const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(source)) ?? chunks.find((c) => c.moduleIds.some((id) => id.endsWith(source)));
  if (!chunk) throw new Error(`vite.config.ts: no chunk for ${source}`);
  return chunk;
}

/**
 * index.html's first script (main.tsx) is small so that a room link starts its camera and socket
 * at once; the app (boot.tsx: React and the pages) is a chunk main.tsx imports. Preloaded from the
 * HTML with its own imports, it downloads beside the first script instead of after it.
 */
function preloadApp(): Plugin {
  return {
    name: 'jiefen-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return [];
        // The entry's own imports have their tags already.
        const seen = new Set<string>();
        if (ctx.chunk) chunkGraph(ctx.bundle, ctx.chunk.fileName, seen);
        const files = chunkGraph(ctx.bundle, chunkFor(ctx.bundle, '/src/boot.tsx').fileName, seen);
        return files.map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` }, injectTo: 'head' as const }));
      },
    },
  };
}

/** Room chunks below this many bytes (uncompressed) are preloaded at low priority (roomHtml). */
export const SMALL_CHUNK_BYTES = 20_000;

/**
 * A room link's HTML (room.html, which the server sends for /j/:token/room and /cases/:id/room):
 * index.html plus the room's own code, preloaded from the HTML — without it the room chunk is
 * asked for only once the first script has run, a second round of downloads after the first
 * (≈ 0.45 s on a 1 Mbit/s link).
 */
function roomHtml(): Plugin {
  return {
    name: 'jiefen-room-html',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const index = bundle['index.html'];
        if (index?.type !== 'asset' || typeof index.source !== 'string') throw new Error('vite.config.ts: no index.html in the bundle');
        // What index.html loads already: its entry and the app it preloads.
        const seen = new Set<string>();
        for (const source of ['/index.html', '/src/boot.tsx']) chunkGraph(bundle, chunkFor(bundle, source).fileName, seen);
        const room = ['/src/room/early-socket.ts', '/src/room/entry.tsx'].flatMap((source) => chunkGraph(bundle, chunkFor(bundle, source).fileName, seen));
        // Small chunks at low priority: over HTTP/1.1 (six connections a host) the page's own API
        // requests, made a moment later, would otherwise queue behind them (seen at 1 Mbit/s: the
        // case and session answers came after all the code, and the pre-join waited for them).
        const small = (file: string) => {
          const c = bundle[file];
          return c?.type === 'chunk' && Buffer.byteLength(c.code) < SMALL_CHUNK_BYTES;
        };
        const tags = room.map((file) => `    <link rel="modulepreload"${small(file) ? ' fetchpriority="low"' : ''} crossorigin href="/${file}">\n`).join('');
        if (!index.source.includes('  </head>')) throw new Error('vite.config.ts: index.html has no </head> to put the room preloads before');
        this.emitFile({ type: 'asset', fileName: 'room.html', source: index.source.replace('  </head>', `${tags}  </head>`) });
      },
    },
  };
}

/**
 * mediasoup-client as a browser needs it: the room imports only `Device` at run time, so
 * `mediasoup-client` resolves to its Device module instead of its index (which also bundles a
 * fake handler and fake parameters for tests), and the React Native handler Device.js requires
 * is replaced by a stub that refuses — no browser is React Native (≈ 54 KB less to parse). Its
 * loggers (and awaitqueue's) get a silent `debug`: the real one reads localStorage (a synchronous
 * trip to the browser process, 20–40 ms on a busy machine) while the room starts, only to log
 * nothing.
 */
function mediasoupClientForBrowsers(): Plugin {
  const lib = path.join(root, '../node_modules/mediasoup-client/lib');
  const noReactNative = '\0jiefen-no-react-native';
  const versionOnly = '\0jiefen-mediasoup-client-version';
  const silentDebug = '\0jiefen-silent-debug';
  return {
    name: 'jiefen-mediasoup-client-for-browsers',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === 'mediasoup-client') return path.join(lib, 'Device.js');
      if (source === './handlers/ReactNative106' && importer === path.join(lib, 'Device.js')) return noReactNative;
      // The SDP writer requires the whole index only for its version string.
      if (source === '../../' && importer === path.join(lib, 'handlers/sdp/RemoteSdp.js')) return versionOnly;
      if (source === 'debug') return silentDebug; // mediasoup-client's and awaitqueue's loggers
      return null;
    },
    load(id) {
      if (id === noReactNative) {
        return "export const ReactNative106 = { createFactory() { throw new Error('React Native is not supported'); } };";
      }
      if (id === silentDebug) {
        // CommonJS like the real one: awaitqueue calls require('debug')(…), mediasoup-client .default(…).
        return 'function debug() { const log = () => undefined; log.enabled = false; return log; }\ndebug.default = debug;\nmodule.exports = debug;';
      }
      if (id === versionOnly) {
        const { version } = JSON.parse(readFileSync(path.join(lib, '../package.json'), 'utf8')) as { version: string };
        return `export const version = ${JSON.stringify(version)};`;
      }
      return null;
    },
  };
}

/**
 * The app is written and type-checked against React's API (@types/react) but runs on
 * preact/compat: a party on a phone link downloads ≈ 6 KB for it instead of ≈ 60 KB for react-dom,
 * and its CPU parses and runs a fraction of the code before the camera is up (#18). Subpaths
 * follow (react/jsx-runtime → preact/compat/jsx-runtime, react-dom/client → preact/compat/client).
 * Exported for src/imports.test.ts, which bundles the app with esbuild.
 */
export const REACT_ON_PREACT = { react: 'preact/compat', 'react-dom': 'preact/compat' };

export default defineConfig({
  root,
  plugins: [mediasoupClientForBrowsers(), preloadApp(), roomHtml(), precompress()],
  base: '/',
  publicDir: false,
  resolve: { alias: REACT_ON_PREACT },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    // Keep small assets (e.g. icons) as files rather than data: URIs in CSS.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      // /j/<token> is a client-side route (party landing page). Browser
      // navigations get the dev index.html; anything else goes to the server.
      '/j': {
        target: backend,
        changeOrigin: false,
        bypass: (req) => (req.headers.accept?.includes('text/html') ? '/index.html' : undefined),
      },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
      '/drafting': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
