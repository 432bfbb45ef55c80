// Helpers of the public-intake tests: a dispatcher on duty (online applications need one), the
// codes the development SMS provider wrote to data/dev-sms-outbox.log, and one online application
// through the real API (code → verify → submit), as the public page makes it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../signaling/auth/password.ts';
import type { Db } from '../../signaling/db.ts';
import { StaffClient } from '../support/server.ts';

export async function addStaff(
  server: { url: string; ctx: { db: Db } },
  opts: { username: string; displayName: string; role: 'DISPATCHER' | 'UNIT_HEAD' | 'MEDIATOR'; unitCode?: string },
): Promise<{ id: string; unitId: string; client: StaffClient }> {
  const unit = await server.ctx.db.organisation.findFirstOrThrow({ where: { code: opts.unitCode ?? 'centre-office' } });
  const password = `${opts.username}-Pass-2026`;
  const user = await server.ctx.db.user.create({
    data: { username: opts.username, displayName: opts.displayName, role: opts.role, passwordHash: await hashPassword(password), orgId: unit.id },
  });
  const client = new StaffClient(server.url);
  const res = await client.login(opts.username, password);
  if (!res.ok) throw new Error(`login ${opts.username} → ${res.status}`);
  return { id: user.id, unitId: unit.id, client };
}

export interface OutboxLine {
  at: string;
  to: string;
  text: string;
}

export function smsOutbox(dataDir: string): OutboxLine[] {
  const file = path.join(dataDir, 'dev-sms-outbox.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutboxLine);
}

/** The newest one-time code sent to `phone`. */
export function lastCode(dataDir: string, phone: string): string {
  const line = smsOutbox(dataDir)
    .filter((l) => l.to === phone && /验证码 \d{6}/.test(l.text))
    .at(-1);
  if (!line) throw new Error(`no code sent to ${phone}`);
  return /验证码 (\d{6})/.exec(line.text)![1]!;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function noticeVersion(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/apply/form`);
  return ((await res.json()) as { notice: { version: string } }).notice.version;
}

/** Code and verification: the ticket an application carries. */
export async function verifiedTicket(baseUrl: string, dataDir: string, phone: string): Promise<string> {
  const sent = await post(`${baseUrl}/api/apply/code`, { phone });
  if (sent.status !== 200) throw new Error(`code → ${sent.status} ${JSON.stringify(sent.body)}`);
  const verified = await post(`${baseUrl}/api/apply/verify`, { phone, code: lastCode(dataDir, phone) });
  if (verified.status !== 200) throw new Error(`verify → ${verified.status} ${JSON.stringify(verified.body)}`);
  return verified.body.ticket as string;
}

export function applicationBody(version: string, ticket: string, phone: string, extra: Record<string, unknown> = {}) {
  return {
    noticeVersion: version,
    consent: true,
    ticket,
    applicant: { name: '李某', phone, address: '青山区幸福路 6 号楼 5 单元 501' },
    respondent: { kind: 'PERSON', name: '王某', phone: '13900000002' },
    disputeType: 'NEIGHBOUR',
    summary: '楼上六楼直饮水管道漏水，我家天花板和墙面受损，多次沟通没有结果。',
    place: '青山区幸福路 6 号楼',
    photos: [],
    ...extra,
  };
}

/** A tiny valid PNG (1×1). */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
