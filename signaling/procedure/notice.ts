// 权利义务告知书 (人民调解法 arts. 23–24, 民事诉讼法 art. 115): rendered per party from the
// `rights-notice` template (agreement-templates/rights-notice.json — the wording is data a centre
// corrects), acknowledged by each party and agent before it may enter the room. An
// acknowledgement binds the text as shown (its SHA-256): a new template version or a new mediator
// changes the text, and the party reads and acknowledges again.
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { renderCourtDocument } from '../agreement/court.ts';
import { loadBuiltinTemplates } from '../agreement/template-loader.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';

/** Who must acknowledge the notice before entering the room: the parties and their agents. */
export const NOTICE_ROLES: ReadonlySet<string> = new Set(['APPLICANT', 'RESPONDENT', 'AGENT']);

export interface RenderedNotice {
  title: string;
  version: number;
  legalBasis: string[];
  blocks: Array<{ heading: string | null; paragraphs: string[] }>;
  sha256: string;
}

let builtin: TemplateCatalog | null = null;
/** The shipped templates (the room's gate has no area wiring to hand them over). */
function builtinTemplates(): TemplateCatalog {
  builtin ??= loadBuiltinTemplates();
  return builtin;
}

export async function renderNotice(ctx: AppContext, caseId: string, templates: TemplateCatalog = builtinTemplates()): Promise<RenderedNotice> {
  const c = await ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, include: { org: true, mediator: true } });
  const t = templates.court('rights-notice');
  const rendered = renderCourtDocument(t, {
    parties: [],
    values: { orgName: c.org.name, caseNumber: c.number, mediatorName: c.mediator?.displayName ?? '（待指派）' },
  });
  const blocks = rendered.blocks.map((b) => ({ heading: b.heading, paragraphs: b.paragraphs.filter((p) => p.trim()) }));
  const text = [rendered.title, ...blocks.flatMap((b) => [b.heading ?? '', ...b.paragraphs])].join('\n');
  return { title: rendered.title, version: t.version, legalBasis: t.legalBasis, blocks, sha256: createHash('sha256').update(text).digest('hex') };
}

type NoticeParticipant = { id: string; caseId: string; name: string; role: string };

export async function acknowledgedAt(ctx: AppContext, p: { id: string }, sha256: string): Promise<Date | null> {
  const row = await ctx.db.noticeAcknowledgement.findUnique({ where: { participantId_textSha256: { participantId: p.id, textSha256: sha256 } } });
  return row?.acknowledgedAt ?? null;
}

export async function acknowledgeNotice(ctx: AppContext, p: NoticeParticipant, sha256: string, templates?: TemplateCatalog) {
  const notice = await renderNotice(ctx, p.caseId, templates);
  if (sha256 !== notice.sha256) throw new DomainError('NOTICE_CHANGED');
  const done = await acknowledgedAt(ctx, p, sha256);
  if (done) return done;
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.noticeAcknowledgement.create({
      data: { caseId: p.caseId, participantId: p.id, templateVersion: notice.version, textSha256: notice.sha256 },
    });
    await appendAudit(tx, partyActor(p), p.caseId, {
      type: 'NOTICE_ACKNOWLEDGED',
      data: { participantId: p.id, templateVersion: notice.version, textSha256: notice.sha256 },
    });
    return row.acknowledgedAt;
  });
}

/** The room's gate: a party or agent enters only after acknowledging the notice as it now reads. */
export async function requireNoticeAcknowledged(ctx: AppContext, p: NoticeParticipant): Promise<void> {
  if (!NOTICE_ROLES.has(p.role)) return;
  const notice = await renderNotice(ctx, p.caseId);
  if (!(await acknowledgedAt(ctx, p, notice.sha256))) throw new DomainError('NOTICE_NOT_ACKNOWLEDGED');
}
