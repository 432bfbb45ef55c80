// The reminders of 履行 reach the parties' phones. Each REMIND_* step's own ObligationEvent row is
// its outbox entry (sendStatus PENDING, written in the step's transaction): a pass claims a row
// (PENDING → SENDING, conditionally, so two nodes never both send it), sends, and records SENT or
// FAILED. A crash between the claim and the answer leaves SENDING: the reminder is not sent twice
// (at most once — a second copy of a payment reminder is worse than a missed one, and the page shows it).
// The wording is data: reminder-texts.json.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db } from '../../db.ts';
import { chinaDay } from '../../domain/performance-status.ts';
import { formatAmount } from '../../agreement/money.ts';
import type { SmsProvider } from '../../signing/sms.ts';

const TextsFile = z
  .object({ $comment: z.string().optional(), version: z.number().int().min(1), REMIND_OBLIGOR: z.string().min(1), REMIND_OBLIGEE: z.string().min(1) })
  .strict();
type Texts = z.infer<typeof TextsFile>;

let cached: Texts | null = null;
function texts(): Texts {
  cached ??= TextsFile.parse(JSON.parse(readFileSync(new URL('./reminder-texts.json', import.meta.url), 'utf8')));
  return cached;
}

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);

/** How many reminders a pass sends at most (the rest wait for the next wake). */
const BATCH = 50;

/** Sends the reminders waiting; returns how many were sent. Errors are recorded on the row, never thrown. */
export async function deliverReminders(db: Db, sms: SmsProvider, now: Date): Promise<number> {
  const waiting = await db.obligationEvent.findMany({ where: { sendStatus: 'PENDING' }, orderBy: { id: 'asc' }, take: BATCH, select: { id: true } });
  let sent = 0;
  for (const { id } of waiting) {
    const claimed = await db.obligationEvent.updateMany({ where: { id, sendStatus: 'PENDING' }, data: { sendStatus: 'SENDING' } });
    if (claimed.count !== 1) continue;
    const e = await db.obligationEvent.findUniqueOrThrow({ where: { id }, include: { obligation: true } });
    const party = e.participantId ? await db.participant.findUnique({ where: { id: e.participantId }, select: { phone: true } }) : null;
    if (!party?.phone) {
      await db.obligationEvent.update({ where: { id }, data: { sendStatus: 'SKIPPED', sendError: 'NO_PHONE' } });
      continue;
    }
    const o = e.obligation;
    const kase = await db.case.findUniqueOrThrow({ where: { id: o.caseId }, select: { number: true, org: { select: { name: true } } } });
    const template = e.type === 'REMIND_OBLIGOR' ? texts().REMIND_OBLIGOR : texts().REMIND_OBLIGEE;
    const text = fill(template, {
      org: kase.org.name,
      caseNumber: kase.number,
      seq: String(o.seq),
      description: o.description,
      due: chinaDay(o.dueDate),
      amount: e.amountFen !== null && e.amountFen > 0 ? `，尚余${formatAmount(e.amountFen)}` : '',
    });
    try {
      await sms.send(party.phone, text, { code: '', validMinutes: 0 });
      await db.obligationEvent.update({ where: { id }, data: { sendStatus: 'SENT', sentAt: now } });
      sent++;
    } catch (err) {
      const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : 'SMS_SEND_FAILED';
      await db.obligationEvent.update({ where: { id }, data: { sendStatus: 'FAILED', sendError: code } });
    }
  }
  return sent;
}
