// Staff accounts (administrators create mediators and judges).
import { appendAudit } from '../audit/log.ts';
import { hashPassword } from '../auth/password.ts';
import { staffActor } from '../cases/case-service.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { UserRole } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';

export async function createUser(ctx: AppContext, admin: StaffPrincipal, input: { username: string; displayName: string; role: UserRole; password: string; courtId?: string | undefined }) {
  const exists = await ctx.db.user.findUnique({ where: { username: input.username } });
  if (exists) throw new DomainError('USERNAME_TAKEN', `用户名 ${input.username} 已被使用`);
  // A judge belongs to one court (the local one unless another is named); nobody else does.
  let courtId: string | null = null;
  if (input.role === 'JUDGE') {
    const court = input.courtId ? await ctx.db.court.findUnique({ where: { id: input.courtId } }) : await ctx.db.court.findFirst({ where: { isLocal: true } });
    if (!court) throw new DomainError('COURT_NOT_FOUND', input.courtId ? '所选法院不存在' : '请先配置法院');
    courtId = court.id;
  } else if (input.courtId) {
    throw new DomainError('VALIDATION', '只有法官账号需要所属法院');
  }
  const passwordHash = await hashPassword(input.password);
  return ctx.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { username: input.username, displayName: input.displayName, role: input.role, passwordHash, orgId: admin.orgId, courtId } });
    await appendAudit(tx, staffActor(admin), null, { type: 'USER_CREATED', data: { username: user.username, role: user.role } });
    return user;
  });
}

export async function updateUser(ctx: AppContext, admin: StaffPrincipal, userId: string, changes: { displayName?: string | undefined; active?: boolean | undefined; password?: string | undefined }) {
  const user = await ctx.db.user.findUnique({ where: { id: userId } });
  if (!user || user.orgId !== admin.orgId) throw new DomainError('USER_NOT_FOUND', '账号不存在');
  if (user.id === admin.id && changes.active === false) throw new DomainError('CANNOT_DEACTIVATE_SELF', '不能停用自己的账号');
  const data: { displayName?: string; active?: boolean; passwordHash?: string } = {};
  const labels: string[] = [];
  if (changes.displayName !== undefined) (data.displayName = changes.displayName), labels.push('姓名');
  if (changes.active !== undefined) (data.active = changes.active), labels.push(changes.active ? '启用' : '停用');
  if (changes.password !== undefined) (data.passwordHash = await hashPassword(changes.password)), labels.push('重置密码');
  if (labels.length === 0) throw new DomainError('NOTHING_TO_CHANGE', '没有需要修改的内容');
  // A deactivated or re-passworded account loses its open sessions, and the connections opened with them.
  const revoke = changes.active === false || changes.password !== undefined;
  const updated = await ctx.db.$transaction(async (tx) => {
    const updated = await tx.user.update({ where: { id: userId }, data });
    if (revoke) await tx.userSession.deleteMany({ where: { userId } });
    await appendAudit(tx, staffActor(admin), null, { type: 'USER_UPDATED', data: { username: updated.username, changes: labels } });
    return updated;
  });
  if (revoke) ctx.events.emit('accessRevoked', { kind: 'user', userId, why: changes.active === false ? 'deactivated' : 'password-reset' });
  return updated;
}
