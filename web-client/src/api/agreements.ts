// Drafting the agreement (/api/agreements/:caseId): suggestions, comments and named versions.
// The draft text itself travels over Yjs, not here.

import type * as draftingSchemas from '../../../signaling/drafting/schemas.ts';
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { caseAreaCall, enc, type S } from './core.ts';

/** A named version of a case's agreement draft (GET/POST /api/agreements/:caseId/versions). */
export type AgreementVersionInfo = S<typeof draftingSchemas.VersionView>;
export type AgreementVersionDiff = S<typeof draftingSchemas.VersionDiffView>;
export type NewAgreementSuggestion = S<typeof draftingSchemas.SuggestionBody>;
export type NotepadProposal = S<typeof draftingSchemas.NotepadProposalBody>;
export type AgreementAnnotation = S<typeof draftingSchemas.Annotation>;

export interface AgreementClauseInfo {
  id: string;
  title: string;
  /** Raw text: field references as {{key}}, to be shown through renderText with `fields`. */
  text: string;
  fields?: Record<string, FieldValue>;
}

/**
 * Suggestions, comments and versions of a case's agreement draft. Staff (token omitted) use the
 * session cookie + CSRF header; parties their link token as Bearer, never cookies.
 */
export function agreementApi(caseId: string, token?: string | null) {
  const call = caseAreaCall(`/api/agreements/${enc(caseId)}`, token);
  return {
    suggest: (s: NewAgreementSuggestion) =>
      call<{ suggestion: AgreementAnnotation }>('/suggestions', { method: 'POST', body: { kind: 'replace', ...s } }).then((r) => r.suggestion),
    accept: (suggestionId: string) =>
      call<{ suggestion: AgreementAnnotation }>(`/suggestions/${enc(suggestionId)}/accept`, { method: 'POST', body: {} }).then((r) => r.suggestion),
    reject: (suggestionId: string, reason?: string) =>
      call<{ suggestion: AgreementAnnotation }>(`/suggestions/${enc(suggestionId)}/reject`, { method: 'POST', body: reason ? { reason } : {} }).then(
        (r) => r.suggestion,
      ),
    /** The draft's clauses (read-only data), e.g. to pick where a notepad proposal goes. */
    clauses: () => call<{ agreement?: { clauses?: AgreementClauseInfo[] } }>('').then((r) => (Array.isArray(r?.agreement?.clauses) ? r.agreement.clauses : [])),
    /** Mediator: a proposal from a side's caucus notepad becomes a suggestion on a clause (audited). */
    suggestFromNotepad: (s: NotepadProposal) =>
      call<{ suggestion: AgreementAnnotation }>('/suggestions/from-notepad', { method: 'POST', body: s }).then((r) => r.suggestion),
    comment: (clauseId: string, text: string) =>
      call<{ comment: AgreementAnnotation }>('/comments', { method: 'POST', body: { clauseId, text } }).then((r) => r.comment),
    versions: () => call<{ versions: AgreementVersionInfo[] }>('/versions').then((r) => r.versions),
    saveVersion: (name: string) => call<{ version: AgreementVersionInfo }>('/versions', { method: 'POST', body: { name } }).then((r) => r.version),
    diff: (from: number | string, to: number | string) => call<AgreementVersionDiff>(`/versions/diff?from=${enc(String(from))}&to=${enc(String(to))}`),
  };
}

export type AgreementApi = ReturnType<typeof agreementApi>;
