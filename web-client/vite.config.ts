import { defineConfig, type Plugin } from 'vite';
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

export default defineConfig({
  root,
  plugins: [precompress()],
  base: '/',
  publicDir: false,
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
