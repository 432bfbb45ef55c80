// 反馈 notifications as a durable consumer of MatterEvent rows. Whoever moves a matter only writes
// its event (recordMatterEvent); this consumer reads events after its cursor (EventCursor, in the
// database), and in ONE transaction queues a Notification row per person-facing step, follow link
// and channel, and advances the cursor — conditionally on the cursor it read, so two nodes on one
// database, or a restart, never queue an event twice (the unique (eventId, linkId, channel) index
// is the backstop). Queued rows are then sent after commit: claimed PENDING → SENDING, sent, marked
// SENT or FAILED. A row left SENDING by a process that died mid-send goes back to PENDING at start
// (so a message is never lost; in that one window it may go out twice).
import type { AppContext } from '../../context.ts';
import type { Tx } from '../../db.ts';
import { DomainError } from '../../errors.ts';
import { maskPhone, type SmsProvider } from '../../signing/sms.ts';
import { PERSON_FACING_STEPS, type MatterEventType } from '../matter-events.ts';
import { matterLinkUrl } from './matter-links.ts';
import { fillLink, LINK_PLACEHOLDER, stepMessage } from './notice-text.ts';
import { stepDetail, unitNames } from './status-view.ts';
import { maskOpenId, type WechatTemplateProvider } from './wechat.ts';

export const NOTIFY_CONSUMER = 'notify-person';
const BATCH = 200;

interface Log {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

class CursorMoved extends Error {}

export class MatterNotifier {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly sms: SmsProvider,
    private readonly wechat: WechatTemplateProvider | null,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    await this.ctx.db.notification.updateMany({ where: { status: 'SENDING' }, data: { status: 'PENDING' } });
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'notifications: a round failed (retried at the next poll)'))
        .finally(() => {
          this.#running = null;
          this.#schedule(this.ctx.config.notify.pollMs);
        });
    }, delayMs);
  }

  /** Stops polling; waits for a round in progress (its messages are sent and marked). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round: queue what new events call for, then send what is queued. */
  async tick(): Promise<void> {
    while ((await this.collect()) === BATCH && !this.#stopped);
    await this.deliver();
  }

  /** Queues the notifications of the next events after the cursor; returns how many events it read. */
  async collect(): Promise<number> {
    const db = this.ctx.db;
    const cursor = await db.eventCursor.findUnique({ where: { consumer: NOTIFY_CONSUMER } });
    const after = cursor?.lastEventId ?? 0;
    const events = await db.matterEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: BATCH });
    if (events.length === 0) return 0;
    const steps = events.filter((e) => Object.hasOwn(PERSON_FACING_STEPS, e.type));
    const names = await unitNames(
      db,
      steps.flatMap((e) => {
        const d = JSON.parse(e.data) as Record<string, unknown>;
        return [d.toUnitId, d.unitId];
      }),
    );
    try {
      await db.$transaction(async (tx) => {
        // The cursor moves first, conditionally: a consumer that read the same cursor (another
        // node, an overlapping round) finds it moved and queues nothing.
        const last = events.at(-1)!.id;
        if (!cursor) {
          // First run: the row's primary key makes a concurrent first run fail instead of both going on.
          await tx.eventCursor.create({ data: { consumer: NOTIFY_CONSUMER, lastEventId: last } });
        } else {
          const moved = await tx.eventCursor.updateMany({ where: { consumer: NOTIFY_CONSUMER, lastEventId: after }, data: { lastEventId: last } });
          if (moved.count !== 1) throw new CursorMoved();
        }
        for (const e of steps) await this.#queueStep(tx, e, names);
      });
    } catch (err) {
      // Another consumer handled these events first: nothing queued here, nothing lost.
      if (err instanceof CursorMoved || (err as { code?: unknown }).code === 'P2002') return 0;
      throw err;
    }
    return events.length;
  }

  async #queueStep(tx: Tx, e: { id: number; matterId: string; type: string; data: string }, names: (id: unknown) => string | null): Promise<void> {
    const links = await tx.matterLink.findMany({ where: { matterId: e.matterId, revokedAt: null, fromEventId: { lt: e.id } } });
    if (links.length === 0) return;
    const matter = await tx.matter.findUniqueOrThrow({ where: { id: e.matterId }, select: { registrationNo: true, centre: { select: { name: true } } } });
    const type = e.type as MatterEventType;
    const text = stepMessage({
      centreName: matter.centre.name,
      registrationNo: matter.registrationNo,
      type,
      detail: stepDetail(type, JSON.parse(e.data) as Record<string, unknown>, names),
    });
    for (const link of links) {
      const party = await tx.matterParty.findUnique({ where: { id: link.partyId }, select: { phone: true } });
      const base = { eventId: e.id, matterId: e.matterId, linkId: link.id, kind: 'STEP', text, status: 'PENDING' };
      if (party?.phone) await tx.notification.create({ data: { ...base, channel: 'SMS', recipient: maskPhone(party.phone) } });
      if (link.wechatOpenId && this.wechat) await tx.notification.create({ data: { ...base, channel: 'WECHAT', recipient: maskOpenId(link.wechatOpenId) } });
    }
  }

  /** Sends queued notifications, oldest first; each is claimed before it is sent. */
  async deliver(): Promise<void> {
    const db = this.ctx.db;
    for (;;) {
      const queued = await db.notification.findMany({ where: { status: 'PENDING' }, orderBy: { id: 'asc' }, take: 50 });
      if (queued.length === 0) return;
      for (const n of queued) {
        const claimed = await db.notification.updateMany({ where: { id: n.id, status: 'PENDING' }, data: { status: 'SENDING' } });
        if (claimed.count !== 1) continue;
        const outcome = await this.#send(n).then(
          (provider) => ({ status: 'SENT', provider, error: null, sentAt: new Date() }),
          (err: unknown) => {
            if (!(err instanceof DomainError)) this.log.error({ err, notification: n.id }, 'notification not sent');
            return { status: 'FAILED', provider: null, error: err instanceof DomainError ? err.code : 'INTERNAL', sentAt: null };
          },
        );
        await db.notification.update({ where: { id: n.id }, data: outcome });
      }
    }
  }

  async #send(n: { channel: string; linkId: string; text: string; matterId: string; eventId: number | null }): Promise<string> {
    const link = await this.ctx.db.matterLink.findUniqueOrThrow({ where: { id: n.linkId } });
    const url = matterLinkUrl(this.ctx.config.publicUrl, this.ctx.secrets.tokenKey, link.id);
    if (n.channel === 'WECHAT') {
      if (!this.wechat || !link.wechatOpenId) throw new DomainError('SMS_SEND_FAILED', '未配置微信通知');
      const matter = await this.ctx.db.matter.findUniqueOrThrow({ where: { id: n.matterId }, select: { registrationNo: true } });
      const event = n.eventId ? await this.ctx.db.matterEvent.findUnique({ where: { id: n.eventId }, select: { type: true } }) : null;
      await this.wechat.send(link.wechatOpenId, {
        text: n.text
          .split(LINK_PLACEHOLDER)
          .join('')
          .replace(/查看(办理)?进度：$/, '')
          .trim(),
        registrationNo: matter.registrationNo,
        step: (event && PERSON_FACING_STEPS[event.type as MatterEventType]) ?? '已登记',
        url,
      });
      return this.wechat.name;
    }
    const party = await this.ctx.db.matterParty.findUnique({ where: { id: link.partyId }, select: { phone: true } });
    if (!party?.phone) throw new DomainError('SMS_PHONE_REJECTED');
    // Tencent Cloud sends only approved templates; its template here is the one-time code's.
    if (this.sms.name === 'tencent') throw new DomainError('SMS_SEND_FAILED', '腾讯云短信尚未配置进度通知模板');
    await this.sms.send(party.phone, fillLink(n.text, url), { code: '', validMinutes: 0 });
    return this.sms.name;
  }
}
