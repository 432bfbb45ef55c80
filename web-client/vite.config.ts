import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
// Override with JIEFEN_API=http://host:port when the server runs elsewhere.
const backend = process.env.JIEFEN_API ?? 'http://127.0.0.1:3000';

// No @vitejs/plugin-react: Vite's built-in oxc transform compiles TSX with the
// automatic JSX runtime. The server's CSP forbids inline scripts/styles, so the
// build must only emit external .js/.css files (Vite's default behaviour).
export default defineConfig({
  root,
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
