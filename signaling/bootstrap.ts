// First start: create the mediation organisation and an administrator with a random
// password (never a fixed default), saved in data/admin-initial-password.txt and printed once.
// The administrator must change it at first login; the file goes when it is changed.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appendAudit } from './audit/log.ts';
import { primaryUnitId } from './centre/ensure-centre.ts';
import { generatePassword, hashPassword, verifyPassword } from './auth/password.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';

export interface BootstrapResult {
  created: boolean;
  adminUsername?: string;
  adminPassword?: string;
}

/** Where the first start saves the generated administrator's credentials (mode 600) until they are changed. */
export function initialPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'admin-initial-password.txt');
}

export async function bootstrapIfEmpty(ctx: AppContext): Promise<BootstrapResult> {
  if ((await ctx.db.user.count()) > 0) return { created: false };
  const adminUsername = 'admin';
  const adminPassword = generatePassword();
  const passwordHash = await hashPassword(adminPassword);
  // The centre and its units exist already (centre/ensure-centre.ts runs first).
  const orgId = await primaryUnitId(ctx);
  await ctx.db.$transaction(async (tx) => {
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: orgId } });
    await tx.user.create({
      data: { username: adminUsername, displayName: '系统管理员', role: 'ADMIN', passwordHash, mustChangePassword: true, orgId: org.id },
    });
    await appendAudit(tx, { type: 'system' }, null, { type: 'SYSTEM_BOOTSTRAPPED', data: { orgName: org.name, adminUsername } });
  });
  writeFileSync(initialPasswordFile(ctx.config.dataDir), `username: ${adminUsername}\npassword: ${adminPassword}\n`, { mode: 0o600 });
  return { created: true, adminUsername, adminPassword };
}

function readInitialCredentials(dataDir: string): { username: string; password: string } | null {
  const file = initialPasswordFile(dataDir);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const username = /^username: (\S+)$/m.exec(text)?.[1];
  const password = /^password: (\S+)$/m.exec(text)?.[1];
  return username && password ? { username, password } : null;
}

/** The generated administrator's password changed (by itself or an administrator's reset): the saved one is void. */
export function forgetInitialPassword(dataDir: string, username: string): void {
  const saved = readInitialCredentials(dataDir);
  if (saved?.username === username) rmSync(initialPasswordFile(dataDir), { force: true });
}

/**
 * Later starts: the saved initial password still works → the administrator must change it
 * (installs from before that rule); it no longer works → the file is stale and goes.
 */
export async function reconcileInitialPassword(ctx: AppContext): Promise<void> {
  const file = initialPasswordFile(ctx.config.dataDir);
  if (!existsSync(file)) return;
  const saved = readInitialCredentials(ctx.config.dataDir);
  const user = saved ? await ctx.db.user.findUnique({ where: { username: saved.username } }) : null;
  if (!saved || !user || !(await verifyPassword(saved.password, user.passwordHash))) {
    rmSync(file, { force: true });
    return;
  }
  if (!user.mustChangePassword) await ctx.db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
}

/** What `npm start` prints: where it runs, and how to log in — the generated password only on the first start. */
export function startBanner(config: Config, bootstrap: BootstrapResult): string[] {
  const file = initialPasswordFile(config.dataDir);
  const lines = [
    '',
    `  解纷 jiefen 已启动：${config.publicUrl}`,
    `  数据目录 data: ${config.dataDir}（SQLite${config.redisUrl ? ' + Redis' : '，单节点，无 Redis'}）`,
  ];
  if (bootstrap.created) {
    lines.push(
      '',
      '  首次启动，已创建管理员账号 / first start, administrator created:',
      `    登录地址 login:  ${config.publicUrl}/login`,
      `    用户名 username: ${bootstrap.adminUsername}`,
      `    密码 password:   ${bootstrap.adminPassword}`,
      `  （也保存在 ${file}；首次登录须修改此密码，修改后该文件即删除 / must be changed at first login）`,
    );
  } else {
    lines.push('', `  登录 log in: ${config.publicUrl}/login`);
    if (existsSync(file)) lines.push(`  管理员初始密码（尚未修改）见 initial admin password (not changed yet) in: ${file}`);
  }
  lines.push(`  接口文档 API docs: ${config.publicUrl}/docs`, '');
  return lines;
}

/** The organisation's local court exists (every start: installs older than courts get it too). */
export async function ensureLocalCourt(ctx: AppContext): Promise<void> {
  if ((await ctx.db.court.count()) > 0) return;
  const { name, code, region, areaCode } = ctx.config.court;
  await ctx.db.court.create({ data: { name, code, region, areaCode, isLocal: true } });
}
