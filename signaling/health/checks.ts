// What "ready" means for this node: the database takes a real write, a media worker is alive,
// Redis answers (several-node mode only) and the data folder has more free space than the floor.
// Each part is checked on its own, with a time limit, and named in the answer with a short
// reason — never a secret (no URLs, no paths, no SQL).
import { statfs } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { WorkerPool } from '../../sfu/index.ts';
import type { AppContext } from '../context.ts';

export type CheckState = 'ok' | 'failing';

export interface CheckResult {
  state: CheckState;
  reason: string;
}

export type CheckName = 'database' | 'media-workers' | 'redis' | 'disk';

export interface Readiness {
  ready: boolean;
  checks: Partial<Record<CheckName, CheckResult>>;
}

export interface HealthSources {
  ctx: AppContext;
  pool: WorkerPool;
  /** The command connection in several-node mode (REDIS_URL); null for a single node. */
  redis: Redis | null;
}

/** No check may hold the answer up longer than this. */
const CHECK_TIMEOUT_MS = 2_000;

const ok = (reason: string): CheckResult => ({ state: 'ok', reason });
const failing = (reason: string): CheckResult => ({ state: 'failing', reason });

export async function readiness(sources: HealthSources): Promise<Readiness> {
  const parts: Array<[CheckName, Promise<CheckResult>]> = [
    ['database', bounded(checkDatabase(sources.ctx), '数据库')],
    ['media-workers', Promise.resolve(checkWorkers(sources.pool))],
    ['disk', bounded(checkDisk(sources.ctx), '磁盘')],
  ];
  if (sources.redis) parts.push(['redis', bounded(checkRedis(sources.redis), 'Redis')]);
  const results = await Promise.all(parts.map(async ([name, result]) => [name, await result] as const));
  return { ready: results.every(([, r]) => r.state === 'ok'), checks: Object.fromEntries(results) };
}

/** A real, committed write (one row rewritten): a full disk, a read-only file or a stuck lock shows. */
async function checkDatabase(ctx: AppContext): Promise<CheckResult> {
  const now = new Date();
  try {
    await ctx.db.healthProbe.upsert({ where: { id: 1 }, create: { id: 1, checkedAt: now }, update: { checkedAt: now } });
    return ok('可写入');
  } catch (err) {
    return failing(`写入失败（${sqliteCode(err)}）`);
  }
}

function checkWorkers(pool: WorkerPool): CheckResult {
  if (pool.closed) return failing('音视频服务已关闭');
  const alive = pool.workers.length;
  if (alive === 0) return failing(`没有运行中的音视频服务进程（0/${pool.size}）`);
  return ok(`${alive}/${pool.size} 个音视频服务进程运行中`);
}

async function checkRedis(redis: Redis): Promise<CheckResult> {
  if (redis.status !== 'ready') return failing(`未连接（${redis.status}）`);
  try {
    const pong = await redis.ping();
    return pong === 'PONG' ? ok('可连接') : failing('应答异常');
  } catch {
    return failing('无应答');
  }
}

async function checkDisk(ctx: AppContext): Promise<CheckResult> {
  const floorMb = ctx.config.health.minFreeMb;
  try {
    const fs = await statfs(ctx.config.dataDir);
    const freeMb = Math.floor((fs.bavail * fs.bsize) / (1024 * 1024));
    const text = `数据目录剩余 ${freeMb} MB，下限 ${floorMb} MB`;
    return freeMb > floorMb ? ok(text) : failing(text);
  } catch {
    return failing('无法读取数据目录的剩余空间');
  }
}

/** The check, or 'failing' once it took longer than CHECK_TIMEOUT_MS. */
async function bounded(check: Promise<CheckResult>, what: string): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(failing(`${what}检查超时（${CHECK_TIMEOUT_MS} ms）`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY… from a driver error; nothing else of its text. */
function sqliteCode(err: unknown): string {
  const text = err instanceof Error ? `${(err as { code?: unknown }).code ?? ''} ${err.message}` : String(err);
  return /SQLITE_[A-Z_]+/.exec(text)?.[0] ?? (/disk|full|space/i.test(text) ? '磁盘空间不足' : '数据库错误');
}
