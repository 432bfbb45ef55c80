// Staff accounts (administrators create mediators and judges; each user changes its own
// password). A password someone else set — at creation or by a reset — must be changed at the
// user's first login.
import { appendAudit, recordAudit } from '../audit/log.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password.ts';
import { endOtherSessions } from '../auth/sessions.ts';
import { forgetInitialPassword } from '../bootstrap.ts';
import { staffActor } from '../audit/actors.ts';

import type { AppContext, StaffPrincipal } from '../context.ts';
import type { UserRole } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { findUnitInCentreOf, unitInCentreOf } from '../units/unit-scope.ts';

export class UserService {
  constructor(private readonly ctx: AppContext) {}

  /** The organisation's accounts, oldest first. */
  async listOf(admin: StaffPrincipal) {
    return this.ctx.db.user.findMany({ where: { orgId: admin.orgId }, orderBy: { createdAt: 'asc' } });
  }

  /** The accounts of one unit of the administrator's centre (#15: staff belong to exactly one unit). */
  async listOfUnit(admin: StaffPrincipal, unitId: string) {
    const unit = await unitInCentreOf(this.ctx.db, admin, unitId);
    return this.ctx.db.user.findMany({ where: { orgId: unit.id }, orderBy: { createdAt: 'asc' } });
  }

  /** An account in the administrator's unit, or in `unitId`, another unit of its centre. */
  async create(
    admin: StaffPrincipal,
    input: { username: string; displayName: string; role: UserRole; password: string; courtId?: string | undefined; unitId?: string | undefined },
  ) {
    const unit = await unitInCentreOf(this.ctx.db, admin, input.unitId ?? admin.orgId);
    const exists = await this.ctx.db.user.findUnique({ where: { username: input.username } });
    if (exists) throw new DomainError('USERNAME_TAKEN', `用户名 ${input.username} 已被使用`);
    // A judge belongs to one court (the local one unless another is named); nobody else does.
    let courtId: string | null = null;
    if (input.role === 'JUDGE') {
      const court = input.courtId
        ? await this.ctx.db.court.findUnique({ where: { id: input.courtId } })
        : await this.ctx.db.court.findFirst({ where: { isLocal: true } });
      if (!court) throw new DomainError('COURT_NOT_FOUND', input.courtId ? '所选法院不存在' : '请先配置法院');
      courtId = court.id;
    } else if (input.courtId) {
      throw new DomainError('VALIDATION', '只有法官账号需要所属法院');
    }
    const passwordHash = await hashPassword(input.password);
    return this.ctx.db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          username: input.username,
          displayName: input.displayName,
          role: input.role,
          passwordHash,
          mustChangePassword: true,
          orgId: unit.id,
          courtId,
        },
      });
      await appendAudit(tx, staffActor(admin), null, {
        type: 'USER_CREATED',
        data: { username: user.username, role: user.role, ...(unit.id === admin.orgId ? {} : { unit: unit.name }) },
      });
      return user;
    });
  }

  async update(
    admin: StaffPrincipal,
    userId: string,
    changes: { displayName?: string | undefined; active?: boolean | undefined; password?: string | undefined },
  ) {
    const user = await this.ctx.db.user.findUnique({ where: { id: userId } });
    // Any unit of the administrator's centre (a user of another centre does not exist for it).
    if (!user || !(await findUnitInCentreOf(this.ctx.db, admin, user.orgId))) throw new DomainError('USER_NOT_FOUND', '账号不存在');
    if (user.id === admin.id && changes.active === false) throw new DomainError('CANNOT_DEACTIVATE_SELF', '不能停用自己的账号');
    const data: { displayName?: string; active?: boolean; passwordHash?: string; mustChangePassword?: boolean } = {};
    const labels: string[] = [];
    if (changes.displayName !== undefined) {
      data.displayName = changes.displayName;
      labels.push('姓名');
    }
    if (changes.active !== undefined) {
      data.active = changes.active;
      labels.push(changes.active ? '启用' : '停用');
    }
    if (changes.password !== undefined) {
      data.passwordHash = await hashPassword(changes.password);
      data.mustChangePassword = true;
      labels.push('重置密码');
    }
    if (labels.length === 0) throw new DomainError('NOTHING_TO_CHANGE', '没有需要修改的内容');
    // A deactivated or re-passworded account loses its open sessions, and the connections opened with them.
    const revoke = changes.active === false || changes.password !== undefined;
    const updated = await this.ctx.db.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: userId }, data });
      if (revoke) await tx.userSession.deleteMany({ where: { userId } });
      await appendAudit(tx, staffActor(admin), null, { type: 'USER_UPDATED', data: { username: updated.username, changes: labels } });
      return updated;
    });
    if (revoke) this.ctx.events.emit('accessRevoked', { kind: 'user', userId, why: changes.active === false ? 'deactivated' : 'password-reset' });
    if (changes.password !== undefined) forgetInitialPassword(this.ctx.config.dataDir, updated.username);
    return updated;
  }

  /**
   * A user changes its own password: the current one is checked (a wrong one is audited), the new
   * one must be strong enough; the user's other sessions end, this one stays, and a required
   * change is done. The generated administrator's saved initial password is deleted.
   */
  async changeOwnPassword(
    me: StaffPrincipal,
    session: { cookieValue: string; ip: string },
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    const user = await this.ctx.db.user.findUnique({ where: { id: me.id } });
    if (!user) throw new DomainError('USER_NOT_FOUND');
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await recordAudit(this.ctx.db, staffActor(me), null, { type: 'USER_PASSWORD_CHANGE_FAILED', data: { username: user.username, ip: session.ip } });
      throw new DomainError('CURRENT_PASSWORD_WRONG', '当前密码不正确');
    }
    const problem = passwordProblem(input.newPassword, { username: user.username, current: input.currentPassword });
    if (problem) throw new DomainError('WEAK_PASSWORD', problem);
    const passwordHash = await hashPassword(input.newPassword);
    await this.ctx.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } });
      const endedSessions = await endOtherSessions(tx, user.id, session.cookieValue);
      await appendAudit(tx, staffActor(me), null, { type: 'USER_PASSWORD_CHANGED', data: { username: user.username, endedSessions, ip: session.ip } });
    });
    forgetInitialPassword(this.ctx.config.dataDir, user.username);
  }
}
