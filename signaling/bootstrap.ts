// First start: create the mediation organisation and an administrator with a random
// password, which is printed once (never a fixed default).
import { appendAudit } from './audit/log.ts';
import { generatePassword, hashPassword } from './auth/password.ts';
import type { AppContext } from './context.ts';

export interface BootstrapResult {
  created: boolean;
  adminUsername?: string;
  adminPassword?: string;
}

export async function bootstrapIfEmpty(ctx: AppContext): Promise<BootstrapResult> {
  if ((await ctx.db.user.count()) > 0) return { created: false };
  const adminUsername = 'admin';
  const adminPassword = generatePassword();
  const passwordHash = await hashPassword(adminPassword);
  await ctx.db.$transaction(async (tx) => {
    const org = (await tx.organisation.findFirst()) ?? (await tx.organisation.create({ data: { name: ctx.config.org.name, shortName: ctx.config.org.shortName } }));
    await tx.user.create({ data: { username: adminUsername, displayName: '系统管理员', role: 'ADMIN', passwordHash, orgId: org.id } });
    await appendAudit(tx, { type: 'system' }, null, { type: 'SYSTEM_BOOTSTRAPPED', data: { orgName: org.name, adminUsername } });
  });
  return { created: true, adminUsername, adminPassword };
}

/** The organisation's local court exists (every start: installs older than courts get it too). */
export async function ensureLocalCourt(ctx: AppContext): Promise<void> {
  if ((await ctx.db.court.count()) > 0) return;
  const { name, code, region } = ctx.config.court;
  await ctx.db.court.create({ data: { name, code, region, isLocal: true } });
}
