#!/usr/bin/env node
// Builds mediasoup's C++ worker once per machine from the sources inside the
// mediasoup npm package, against Debian's libraries, caches it outside the
// repo and installs it where mediasoup looks for it.
//
// Why: mediasoup's own postinstall downloads a prebuilt worker and meson
// subprojects from GitHub, which this environment cannot reach (see
// shared/RECIPES.md, "mediasoup"). We replace those subprojects with small
// shims over system libraries (scripts/mediasoup-worker/subprojects/) and apply
// two source patches (scripts/mediasoup-worker/patches.json).
//
// Plain Node ESM with builtins only: it runs before any TypeScript tooling.
//
//   node scripts/build-worker.mjs            build if needed, install, print the path
//   node scripts/build-worker.mjs --force    rebuild even if a cached binary exists
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPTS_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(SCRIPTS_DIR, '..');
const SHIM_DIR = path.join(SCRIPTS_DIR, 'mediasoup-worker');
const MEDIASOUP_DIR = path.join(ROOT, 'node_modules', 'mediasoup');

/** Where mediasoup looks for the worker when MEDIASOUP_WORKER_BIN is not set. */
export const WORKER_INSTALL_PATH = path.join(MEDIASOUP_DIR, 'worker', 'out', 'Release', 'mediasoup-worker');

/** Debian packages needed to build (tools) — not part of the cache key. */
export const BUILD_TOOL_PACKAGES = ['g++', 'pkg-config', 'python3', 'meson', 'ninja-build'];
/** Debian packages whose versions shape the binary — part of the cache key. */
export const BUILD_LIB_PACKAGES = ['flatbuffers-compiler', 'libflatbuffers-dev', 'libuv1-dev', 'libssl-dev', 'libsrtp2-dev', 'libusrsctp-dev', 'libabsl-dev'];

const MESON_SETUP_ARGS = ['setup', 'build', '--wrap-mode=nodownload', '--buildtype=release', '-Db_ndebug=true', '-Dms_disable_liburing=true'];

export class WorkerBuildError extends Error {
  /** @param {string} message @param {string | undefined} logPath */
  constructor(message, logPath) {
    super(message);
    this.name = 'WorkerBuildError';
    this.logPath = logPath;
  }
}

/**
 * Returns the absolute path of a working mediasoup-worker binary installed at
 * WORKER_INSTALL_PATH, building it (≈7 min) only when no cached build matches.
 * @param {{ log?: (line: string) => void, force?: boolean }} [options]
 * @returns {Promise<string>}
 */
export async function ensureMediasoupWorker({ log = console.log, force = false } = {}) {
  const mediasoupVersion = readMediasoupVersion();
  let debVersions = queryDebPackages([...BUILD_TOOL_PACKAGES, ...BUILD_LIB_PACKAGES]);
  const missing = [...debVersions].filter(([, v]) => v === null).map(([p]) => p);
  if (missing.length > 0) {
    await ensureAptPackages(missing, { log });
    debVersions = queryDebPackages([...BUILD_TOOL_PACKAGES, ...BUILD_LIB_PACKAGES]);
  }

  const key = computeCacheKey(mediasoupVersion, debVersions);
  const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'jiefen', 'mediasoup-worker');
  const buildId = `${mediasoupVersion}-${key.slice(0, 16)}`;
  const cachedBin = path.join(cacheRoot, buildId, 'mediasoup-worker');

  if (force || !isUsableBinary(cachedBin)) {
    await withLock(path.join(cacheRoot, `${buildId}.lock`), log, async () => {
      // Another process may have finished the same build while we waited.
      if (!force && isUsableBinary(cachedBin)) return;
      await buildWorker({ mediasoupVersion, cachedBin, logPath: path.join(cacheRoot, `${buildId}.build.log`), log });
    });
  } else {
    log(`mediasoup worker ${mediasoupVersion}: using cached build ${path.dirname(cachedBin)}`);
  }

  installBinary(cachedBin, WORKER_INSTALL_PATH, log);
  return WORKER_INSTALL_PATH;
}

/**
 * Installs Debian packages that are not installed yet (needs root).
 * @param {string[]} packages
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function ensureAptPackages(packages, { log = console.log } = {}) {
  const missing = [...queryDebPackages(packages)].filter(([, v]) => v === null).map(([p]) => p);
  if (missing.length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new WorkerBuildError(`missing Debian packages: ${missing.join(' ')} — install them with: sudo apt-get install -y ${missing.join(' ')}`, undefined);
  }
  log(`installing Debian packages: ${missing.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
      throw new WorkerBuildError(`apt-get ${args[0]} failed (exit ${r.status ?? r.signal}):\n${out}`, undefined);
    }
  }
  const still = [...queryDebPackages(missing)].filter(([, v]) => v === null).map(([p]) => p);
  if (still.length > 0) throw new WorkerBuildError(`apt-get did not install: ${still.join(' ')}`, undefined);
}

// ---------------------------------------------------------------------------

function readMediasoupVersion() {
  const pkgPath = path.join(MEDIASOUP_DIR, 'package.json');
  if (!fs.existsSync(pkgPath)) {
    throw new WorkerBuildError(`mediasoup is not installed (${pkgPath} missing): run npm ci first`, undefined);
  }
  return JSON.parse(fs.readFileSync(pkgPath, 'utf8')).version;
}

/**
 * Installed version of each package, or null when not installed.
 * @param {string[]} packages
 * @returns {Map<string, string | null>}
 */
function queryDebPackages(packages) {
  // dpkg-query exits 1 when some package is unknown but still prints the others.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${db:Status-Abbrev}\t${Version}\n', ...packages], {
    encoding: 'utf8',
  });
  if (r.error) throw new WorkerBuildError(`dpkg-query failed: ${r.error.message} (a Debian-based system is required)`, undefined);
  /** @type {Map<string, string | null>} */
  const versions = new Map(packages.map((p) => [p, null]));
  for (const line of r.stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && versions.has(name) && status?.startsWith('ii')) versions.set(name, version ?? '');
  }
  return versions;
}

/** sha256 over everything that shapes the binary. */
function computeCacheKey(mediasoupVersion, debVersions) {
  const h = createHash('sha256');
  h.update(`mediasoup ${mediasoupVersion}\narch ${process.arch}\nmeson ${MESON_SETUP_ARGS.join(' ')}\n`);
  for (const rel of listFiles(SHIM_DIR)) {
    h.update(`file ${rel}\n`);
    h.update(fs.readFileSync(path.join(SHIM_DIR, rel)));
    h.update('\n');
  }
  for (const pkg of BUILD_LIB_PACKAGES) h.update(`deb ${pkg} ${debVersions.get(pkg)}\n`);
  return h.digest('hex');
}

/** Relative paths of all files under dir, sorted. */
function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** The binary exists, is executable and all its shared libraries resolve. */
function isUsableBinary(bin) {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    return false;
  }
  const r = spawnSync('ldd', [bin], { encoding: 'utf8' });
  return r.status === 0 && !/not found/.test(r.stdout);
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Copies src to dest unless identical; tmp + rename so a running worker is never overwritten in place. */
function installBinary(src, dest, log) {
  if (fs.existsSync(dest) && fs.statSync(dest).size === fs.statSync(src).size && sha256File(dest) === sha256File(src)) {
    return;
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.copyFileSync(src, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, dest);
  log(`mediasoup worker installed at ${path.relative(ROOT, dest)}`);
}

/** Runs fn while holding a lock directory, so concurrent setups build once. */
async function withLock(lockDir, log, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readOrEmpty(path.join(lockDir, 'pid')), 10);
    if (!isAlive(holder)) {
      // Stale lock from a killed build (or one that has not written its pid yet: give it a moment).
      const ageMs = Date.now() - safeMtime(lockDir);
      if (ageMs > 5_000) fs.rmSync(lockDir, { recursive: true, force: true });
    } else if (!announced) {
      log(`waiting for another mediasoup worker build (pid ${holder})…`);
      announced = true;
    }
    if (Date.now() > deadline) throw new WorkerBuildError(`timed out waiting for build lock ${lockDir}`, undefined);
    await new Promise((r) => setTimeout(r, 2_000));
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function readOrEmpty(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function safeMtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

async function buildWorker({ mediasoupVersion, cachedBin, logPath, log }) {
  const started = Date.now();
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiefen-mediasoup-worker-'));
  const src = path.join(work, 'worker');
  const logFd = fs.openSync(logPath, 'w');
  log(`building mediasoup worker ${mediasoupVersion} (≈7 min, once per machine)…`);
  log(`  build log: ${logPath}`);
  try {
    prepareSources(src);

    const steps = [
      ['meson setup', 'meson', MESON_SETUP_ARGS],
      ['flatbuffers code generation', 'meson', ['compile', '-C', 'build', 'flatbuffers-generator']],
      ['compiling mediasoup-worker', 'ninja', ['-C', 'build', 'mediasoup-worker']],
    ];
    for (const [label, cmd, args] of steps) {
      const t0 = Date.now();
      log(`  ${label}…`);
      await run(cmd, args, src, logFd, logPath);
      log(`  ${label} done (${Math.round((Date.now() - t0) / 1000)} s)`);
    }

    const built = path.join(src, 'build', 'mediasoup-worker');
    if (!isUsableBinary(built)) throw new WorkerBuildError(`built binary ${built} is missing or has unresolved libraries`, logPath);

    // Store atomically: a half-copied binary must never look like a cache hit.
    fs.mkdirSync(path.dirname(cachedBin), { recursive: true });
    const tmp = `${cachedBin}.tmp-${process.pid}`;
    fs.copyFileSync(built, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, cachedBin);
    log(`mediasoup worker built in ${Math.round((Date.now() - started) / 1000)} s, cached at ${path.dirname(cachedBin)}`);
  } catch (err) {
    if (err instanceof WorkerBuildError && err.logPath) {
      fs.fsyncSync(logFd);
      log(`mediasoup worker build FAILED: ${err.message}\n---- last lines of ${err.logPath} ----\n${tail(err.logPath, 40)}\n----`);
    }
    throw err;
  } finally {
    fs.closeSync(logFd);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Temporary copy of the worker sources with our subprojects and patches. */
function prepareSources(src) {
  const upstream = path.join(MEDIASOUP_DIR, 'worker');
  fs.cpSync(upstream, src, {
    recursive: true,
    // Skip build outputs of earlier runs (including an installed binary).
    filter: (p) => !['out', 'build'].includes(path.relative(upstream, p)),
  });

  const subprojects = path.join(src, 'subprojects');
  for (const name of fs.readdirSync(subprojects)) {
    if (name.endsWith('.wrap') || name === 'packagefiles') fs.rmSync(path.join(subprojects, name), { recursive: true, force: true });
  }
  fs.cpSync(path.join(SHIM_DIR, 'subprojects'), subprojects, { recursive: true });

  const { patches } = JSON.parse(fs.readFileSync(path.join(SHIM_DIR, 'patches.json'), 'utf8'));
  for (const patch of patches) {
    const file = path.join(src, patch.file);
    const text = fs.readFileSync(file, 'utf8');
    const count = text.split(patch.find).length - 1;
    if (count !== 1) {
      throw new WorkerBuildError(
        `patch "${patch.name}": expected exactly one occurrence of\n  ${patch.find}\nin ${patch.file}, found ${count}. ` +
          `mediasoup's sources changed: review scripts/mediasoup-worker/patches.json.`,
        undefined,
      );
    }
    fs.writeFileSync(
      file,
      text.replace(patch.find, () => patch.replace),
    );
  }
}

function run(cmd, args, cwd, logFd, logPath) {
  fs.writeSync(logFd, `\n$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', logFd, logFd] });
    child.on('error', (err) => reject(new WorkerBuildError(`${cmd}: ${err.message}`, logPath)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(undefined) : reject(new WorkerBuildError(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`, logPath)),
    );
  });
}

function tail(file, lines) {
  return readOrEmpty(file).trimEnd().split('\n').slice(-lines).join('\n');
}

// CLI --------------------------------------------------------------------------

function invokedDirectly() {
  try {
    return Boolean(process.argv[1]) && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  try {
    const bin = await ensureMediasoupWorker({ force: process.argv.includes('--force') });
    console.log(bin);
  } catch (err) {
    console.error(err instanceof WorkerBuildError ? `error: ${err.message}` : err);
    process.exitCode = 1;
  }
}
