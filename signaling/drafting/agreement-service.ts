// The agreement draft of a case through the drafting server: the first content from the
// template for the case's dispute type, suggestions and comments applied server-side into the
// live document (everyone sees them), the mediator's accept/reject, and named versions. Every
// change commits together with its audit entry (DraftingServer.mutate).
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { appendAudit, type Actor } from '../audit/log.ts';
import {
  createAgreementDoc,
  isAgreementInitialised,
  readAgreement,
  type AgreementCaseData,
  type AgreementPartyInput,
  type SectionKey,
} from '../agreement/document.ts';
import { acceptSuggestion, addComment, addSuggestion, rejectSuggestion, syncParties, textOf, type Author, type BlockRef } from '../agreement/editing.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import { diffVersions, docFromVersion, formatDiff, snapshotVersion } from '../agreement/versions.ts';
import type { AppContext } from '../context.ts';
import type { Participant } from '../generated/prisma/client.ts';
import { DISPUTE_TYPE_KEYS, type DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { GUARDIAN_RELATIONSHIP_LABELS, isGuardianRelationship } from '../domain/party-details.ts';
import { dbBytes } from './draft-store.ts';
import type { DraftingServer, InitialDraft } from './drafting-server.ts';
import { partyAccess, requireGrant, type DraftAccess } from './grants.ts';
import { linkRoleOf } from '../access/grants.ts';

type ParticipantRecord = Pick<
  Participant,
  | 'id'
  | 'role'
  | 'side'
  | 'name'
  | 'phone'
  | 'idNumber'
  | 'personType'
  | 'address'
  | 'serviceAddress'
  | 'ethnicity'
  | 'creditCode'
  | 'representative'
  | 'representativeTitle'
  | 'agencyType'
  | 'guardianRelationship'
>;

/**
 * The case's parties as the agreement lists them: applicants and respondents, agents attached,
 * with only what the documents print — a person's masked ID (性别 and 出生日期 read from it), an
 * organisation's credit code and representative (the ID of whoever acts for it is not printed).
 */
export function agreementParties(participants: ParticipantRecord[]): AgreementPartyInput[] {
  const parties: AgreementPartyInput[] = [];
  for (const p of participants) {
    // Spelled out (not AGREEMENT_PARTY_ROLES) so TypeScript narrows role and side.
    if ((p.role !== 'APPLICANT' && p.role !== 'RESPONDENT') || (p.side !== 'A' && p.side !== 'B')) continue;
    const common: AgreementPartyInput = {
      id: p.id,
      role: p.role,
      side: p.side,
      name: p.name,
      address: p.address,
      serviceAddress: p.serviceAddress,
    };
    parties.push(
      p.personType === 'legal'
        ? { ...common, personType: 'legal', creditCode: p.creditCode, legalRepresentative: p.representative, representativeTitle: p.representativeTitle }
        : { ...common, personType: 'natural', idNumber: p.idNumber, ethnicity: p.ethnicity },
    );
  }
  for (const agent of participants.filter((p) => p.role === 'AGENT')) {
    const principal = parties.find((p) => p.side === agent.side && !p.agent);
    if (!principal) continue;
    principal.agent = agent.name;
    principal.agentType = agent.agencyType === 'statutory' ? 'statutory' : 'entrusted';
    if (agent.agencyType === 'statutory' && isGuardianRelationship(agent.guardianRelationship))
      principal.agentRelationship = GUARDIAN_RELATIONSHIP_LABELS[agent.guardianRelationship];
  }
  return parties;
}

export class AgreementService {
  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    private readonly drafting: () => DraftingServer,
  ) {}

  /** The first content of a case's agreement: its dispute type's template, filled with the case. */
  async initialDraft(caseId: string): Promise<InitialDraft> {
    const c = await this.ctx.db.case.findUnique({ where: { id: caseId }, include: { org: true, participants: { orderBy: { createdAt: 'asc' } } } });
    if (!c) throw new DomainError('CASE_NOT_FOUND', '案件不存在');
    const disputeType = (DISPUTE_TYPE_KEYS as readonly string[]).includes(c.disputeType) ? (c.disputeType as DisputeType) : 'GENERAL';
    const template = this.templates.agreementFor(disputeType);
    const caseData: AgreementCaseData = { caseNumber: c.number, disputeType, orgName: c.org.name, parties: agreementParties(c.participants) };
    return { doc: createAgreementDoc(template, caseData), template: template.name };
  }

  /** Copies the participant records into the draft's parties (the records are the source); nothing without a draft. */
  async syncParties(caseId: string, authorId: string): Promise<void> {
    if (!(await this.ctx.db.draftUpdate.findFirst({ where: { caseId }, select: { id: true } }))) return;
    const current = async () => agreementParties(await this.ctx.db.participant.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } }));
    // Two changes in quick succession may sync out of order: copy again until the copy is of the records as they are.
    for (let attempt = 0; attempt < 3; attempt++) {
      const parties = await current();
      await this.drafting().mutate(
        caseId,
        authorId,
        (doc) => syncParties(doc, parties, null),
        async () => undefined,
      );
      if (JSON.stringify(await current()) === JSON.stringify(parties)) return;
    }
  }

  async suggest(
    access: DraftAccess,
    input: { target: BlockRef; kind: 'replace' | 'insert' | 'delete'; index?: number | undefined; length?: number | undefined; text?: string | undefined },
  ) {
    requireGrant(access, 'canSuggest');
    const author = authorOf(access);
    return this.#mutate(
      access,
      (doc) => {
        const id = addSuggestion(
          doc,
          {
            target: input.target,
            kind: input.kind,
            ...(input.index !== undefined ? { index: input.index } : {}),
            ...(input.length !== undefined ? { length: input.length } : {}),
            ...(input.text !== undefined ? { text: input.text } : {}),
            author,
          },
          null,
        );
        return readAgreement(doc).suggestions.find((s) => s.id === id)!;
      },
      (s, doc) => ({ type: 'AGREEMENT_SUGGESTION_ADDED', data: { suggestionId: s.id, ...targetOf(doc, s), chars: s.text.length } }),
    );
  }

  /**
   * The mediator moves a proposal from a side's private caucus notepad into the joint draft, as a
   * suggestion on a clause (appended to it, or replacing its text) that both sides then see and
   * the mediator accepts later. The audit entry names the side it came from and whether the text is
   * a verbatim excerpt of that notepad or the mediator's rewording.
   */
  async suggestFromNotepad(access: DraftAccess, input: { fromSide: 'A' | 'B'; target: BlockRef; mode: 'append' | 'replace'; text: string }) {
    requireGrant(access, 'canDecide');
    const notepad = await this.ctx.db.caucusNotepad.findUnique({ where: { caseId_side: { caseId: access.caseId, side: input.fromSide } } });
    if (!notepad?.content.trim()) throw new DomainError('NOTEPAD_EMPTY', `${input.fromSide === 'A' ? '甲方' : '乙方'}记事本还没有内容`);
    const text = input.text.trim();
    const author = authorOf(access);
    return this.#mutate(
      access,
      (doc) => {
        const current = textOf(doc, input.target).toString();
        const id = addSuggestion(
          doc,
          {
            target: input.target,
            author,
            ...(input.mode === 'append' ? { kind: 'insert', index: current.length, text } : { kind: 'replace', index: 0, length: current.length, text }),
          },
          null,
        );
        return readAgreement(doc).suggestions.find((s) => s.id === id)!;
      },
      (s, doc) => ({
        type: 'AGREEMENT_SUGGESTION_FROM_NOTEPAD',
        data: {
          suggestionId: s.id,
          ...targetOf(doc, s),
          fromSide: input.fromSide,
          chars: [...text].length,
          sha256: createHash('sha256').update(text).digest('hex'),
          verbatim: notepad.content.includes(text),
        },
      }),
    );
  }

  async comment(access: DraftAccess, input: { target: BlockRef | null; text: string }) {
    requireGrant(access, 'canComment');
    const author = authorOf(access);
    return this.#mutate(
      access,
      (doc) => {
        const id = addComment(doc, { target: input.target, text: input.text, author }, null);
        return readAgreement(doc).comments.find((c) => c.id === id)!;
      },
      (c, doc) => ({ type: 'AGREEMENT_COMMENT_ADDED', data: { commentId: c.id, ...targetOf(doc, c), chars: c.text.length } }),
    );
  }

  /**
   * A party's objection to a clause of the locked version, from its signing page: a comment on
   * that clause in the live draft (flagged as an objection, so the mediator's editor shows it on
   * the clause), audited as CLAUSE_OBJECTED with the round and the clause's locked hash.
   */
  async objectToClause(
    participant: { id: string; caseId: string; name: string; role: string; side: string; signingAuthority: boolean },
    input: { clauseId: string; text: string; roundId: string; clauseSha256: string; forParticipantId: string },
  ) {
    const access = partyAccess(participant, linkRoleOf(participant));
    requireGrant(access, 'canComment');
    const author = authorOf(access);
    return this.#mutate(
      access,
      (doc) => {
        const id = addComment(doc, { target: { clauseId: input.clauseId }, text: input.text, author, objection: true }, null);
        return readAgreement(doc).comments.find((c) => c.id === id)!;
      },
      (c) => ({
        type: 'CLAUSE_OBJECTED',
        data: {
          roundId: input.roundId,
          participantId: input.forParticipantId,
          clauseId: input.clauseId,
          clauseSha256: input.clauseSha256,
          commentId: c.id,
          byName: participant.name,
          chars: [...c.text].length,
        },
      }),
    );
  }

  async decide(access: DraftAccess, suggestionId: string, decision: 'accept' | 'reject', reason?: string) {
    requireGrant(access, 'canDecide');
    const by = authorOf(access);
    return this.#mutate(
      access,
      (doc) => {
        if (decision === 'accept') acceptSuggestion(doc, suggestionId, by, null);
        else rejectSuggestion(doc, suggestionId, by, null);
        return readAgreement(doc).suggestions.find((s) => s.id === suggestionId)!;
      },
      (s, doc) =>
        decision === 'accept'
          ? { type: 'AGREEMENT_SUGGESTION_ACCEPTED', data: { suggestionId: s.id, ...targetOf(doc, s), authorName: s.authorName } }
          : {
              type: 'AGREEMENT_SUGGESTION_REJECTED',
              data: { suggestionId: s.id, ...targetOf(doc, s), authorName: s.authorName, ...(reason ? { reason } : {}) },
            },
    );
  }

  /** Saves the current draft as a named version (bumps the document's version counter). */
  async saveVersion(access: DraftAccess, name: string) {
    requireGrant(access, 'canDecide');
    const drafting = this.drafting();
    return await drafting
      .mutate(
        access.caseId,
        access.identity.id,
        (doc) => snapshotVersion(doc, name),
        async (tx, version) => {
          const last = await tx.agreementVersion.findFirst({ where: { caseId: access.caseId }, orderBy: { seq: 'desc' }, select: { seq: true } });
          const seq = Math.max(version.version, (last?.seq ?? 0) + 1);
          const row = await tx.agreementVersion.create({
            data: {
              caseId: access.caseId,
              seq,
              name: version.name,
              state: dbBytes(version.update),
              sha256: version.contentHash,
              createdById: access.identity.id,
              createdByName: access.identity.name,
            },
          });
          await appendAudit(tx, actorOf(access), access.caseId, {
            type: 'AGREEMENT_VERSION_SAVED',
            data: { versionId: row.id, seq, name: row.name, sha256: row.sha256 },
          });
          return row;
        },
      )
      .then(({ record }) => versionView(record));
  }

  async listVersions(access: DraftAccess) {
    const rows = await this.ctx.db.agreementVersion.findMany({
      where: { caseId: access.caseId },
      orderBy: { seq: 'asc' },
      select: { id: true, seq: true, name: true, sha256: true, createdAt: true, createdById: true, createdByName: true },
    });
    return rows.map(versionView);
  }

  /** The readable diff between two named versions (by number), or a version and the live draft ("current"). */
  async diff(access: DraftAccess, from: string, to: string) {
    const snapshotOf = async (ref: string) => {
      if (ref === 'current') {
        const state = await this.drafting().currentState(access.caseId);
        return { seq: null, snapshot: readAgreement(docFromVersion({ update: state })) };
      }
      const seq = Number(ref);
      const row = Number.isInteger(seq) ? await this.ctx.db.agreementVersion.findUnique({ where: { caseId_seq: { caseId: access.caseId, seq } } }) : null;
      if (!row) throw new DomainError('VERSION_NOT_FOUND', `协议版本 ${ref} 不存在`);
      const doc = docFromVersion({ update: row.state });
      try {
        return { seq: row.seq, snapshot: readAgreement(doc) };
      } finally {
        doc.destroy();
      }
    };
    const [a, b] = [await snapshotOf(from), await snapshotOf(to)];
    const diff = diffVersions(a.snapshot, b.snapshot);
    return { from: a.seq, to: b.seq, lines: formatDiff(diff), diff };
  }

  /** The draft as plain data (readers without a WebSocket, tests). */
  async snapshot(access: DraftAccess) {
    const state = await this.drafting().currentState(access.caseId);
    const doc = docFromVersion({ update: state });
    try {
      if (!isAgreementInitialised(doc)) throw new DomainError('DOC_NOT_INITIALISED', '协议书尚未创建');
      return readAgreement(doc);
    } finally {
      doc.destroy();
    }
  }

  async #mutate<T>(access: DraftAccess, change: (doc: Y.Doc) => T, event: (result: T, doc: Y.Doc) => Parameters<typeof appendAudit>[3]): Promise<T> {
    const { result } = await this.drafting().mutate(
      access.caseId,
      access.identity.id,
      (doc) => ({ value: change(doc), doc }),
      async (tx, { value, doc }) => {
        await appendAudit(tx, actorOf(access), access.caseId, event(value, doc));
      },
    );
    return result.value;
  }
}

const authorOf = (access: DraftAccess): Author => ({ peerId: access.identity.id, name: access.identity.name });

function actorOf(access: DraftAccess): Actor {
  const { identity } = access;
  return identity.kind === 'party'
    ? { type: 'party', id: identity.id, label: `${identity.name}（当事人）` }
    : { type: 'user', id: identity.id, label: identity.name };
}

/** Which clause (or section) an annotation is about, with its title for the audit summary. */
function targetOf(doc: Y.Doc, a: { clauseId: string | null; section: SectionKey | null }): { clauseId: string; clauseTitle?: string } {
  if (a.clauseId) {
    const snapshot = readAgreement(doc);
    const i = snapshot.clauses.findIndex((c) => c.id === a.clauseId);
    const title = i >= 0 ? `第${i + 1}条${snapshot.clauses[i]!.title ? ` ${snapshot.clauses[i]!.title}` : ''}` : undefined;
    return { clauseId: a.clauseId, ...(title ? { clauseTitle: title } : {}) };
  }
  if (a.section) return { clauseId: a.section, clauseTitle: { facts: '纠纷主要事实', issues: '争议事项', liability: '各方责任' }[a.section] };
  return { clauseId: 'document', clauseTitle: '协议书' };
}

function versionView(v: { id: string; seq: number; name: string; sha256: string; createdAt: Date; createdById: string; createdByName: string }) {
  return {
    id: v.id,
    seq: v.seq,
    name: v.name,
    sha256: v.sha256,
    createdAt: v.createdAt.toISOString(),
    createdBy: { id: v.createdById, name: v.createdByName },
  };
}
