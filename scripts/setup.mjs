#!/usr/bin/env node
// Installs and builds whatever is missing, so that `npm start` and `npm test` work on a
// fresh machine: npm dependencies, the mediasoup worker (cached outside the repo),
// the prisma client, the web client bundle and, for tests, Debian's Chromium (with a Chinese
// font) and Redis.
// Each step is skipped when a stamp shows its inputs have not changed, so a second run
// takes well under a second. Plain Node ESM with builtins only: it runs before `npm ci`.
//
//   node scripts/setup.mjs          what `npm start` needs
//   node scripts/setup.mjs --test   plus test-only system packages
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP_DIR = path.join(ROOT, 'node_modules', '.jiefen-stamps');
const forTests = process.argv.includes('--test');
const started = Date.now();

/**
 * Debian packages the test suite drives: browser, a Chinese font for it (without one Chromium draws
 * Chinese as boxes, so layout and screenshots are not what users see), Redis, PDF tools (pdfsig,
 * pdftotext; mupdf's `mutool show … outline` reads the 电子卷宗's bookmarks), NSS certutil, nginx (the
 * reverse-proxy tests).
 */
const TEST_PACKAGES = ['chromium', 'fonts-wqy-microhei', 'redis-server', 'poppler-utils', 'mupdf-tools', 'libnss3-tools', 'nginx-light', 'coturn'];

function log(message) {
  console.log(`[setup] ${message}`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
  if (res.status !== 0) {
    console.error(`[setup] failed: ${cmd} ${args.join(' ')} (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
}

function hashFiles(paths) {
  const h = createHash('sha256');
  const visit = (p) => {
    if (!fs.existsSync(p)) return h.update(`missing:${p}`);
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (name !== 'dist' && name !== 'node_modules') visit(path.join(p, name));
    } else {
      h.update(path.relative(ROOT, p)).update(fs.readFileSync(p));
    }
  };
  for (const p of paths) visit(path.join(ROOT, p));
  return h.digest('hex');
}

/** Runs `build` unless the stamp `name` already records `key` and `output` exists. */
function step(name, key, output, build) {
  const stampFile = path.join(STAMP_DIR, name);
  const fresh = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === key && (!output || fs.existsSync(path.join(ROOT, output)));
  if (fresh) return;
  build();
  fs.mkdirSync(STAMP_DIR, { recursive: true });
  fs.writeFileSync(stampFile, key);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`[setup] Node.js ≥ 20.19 is required (this is ${process.versions.node}).`);
    process.exit(1);
  }
}

function installDependencies() {
  const lockHash = hashFiles(['package-lock.json']);
  const stampFile = path.join(STAMP_DIR, 'npm');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === lockHash) return;
  log('installing npm dependencies (npm ci; compiles better-sqlite3, ≈3 min the first time)…');
  // mediasoup's postinstall would try to download a worker from GitHub; we build it ourselves.
  run('npm', ['ci', '--no-audit', '--no-fund'], { env: { MEDIASOUP_WORKER_BIN: 'skip' } });
  fs.mkdirSync(STAMP_DIR, { recursive: true });
  fs.writeFileSync(stampFile, lockHash);
}

async function main() {
  checkNode();
  installDependencies();

  const { ensureMediasoupWorker, ensureAptPackages } = await import('./build-worker.mjs');
  await ensureMediasoupWorker({ log });

  step('prisma-client', hashFiles(['prisma/schema.prisma', 'package-lock.json']), 'signaling/generated/prisma/client.ts', () => {
    log('generating the prisma client…');
    run(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
      env: { PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });

  step('web-client', hashFiles(['web-client', 'signaling/protocol', 'package-lock.json']), 'web-client/dist/index.html', () => {
    log('building the web client…');
    run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web-client/vite.config.ts', '--logLevel', 'warn']);
  });

  if (forTests) await ensureAptPackages(TEST_PACKAGES, { log });
  // TURN_EMBEDDED=1: the server starts Debian's coturn (signaling/rtc/coturn.ts).
  else if (process.env.TURN_EMBEDDED === '1') await ensureAptPackages(['coturn'], { log });
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(`[setup] ${err?.stack ?? err}`);
  process.exit(1);
});
