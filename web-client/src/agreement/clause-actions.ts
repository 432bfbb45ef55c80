// How a party's or an editor's change to a clause reaches the document. Suggestions, comments and
// decisions go through the HTTP API, which applies them to the live doc for everyone; an editor whose
// server lacks the route (older server) writes the same change into the doc directly.
import { useContext, useMemo } from 'react';
import type { ClauseSnapshot, SuggestionSnapshot } from '../../../signaling/agreement/document.ts';
import { acceptSuggestion, addComment, moveClause, rejectSuggestion } from '../../../signaling/agreement/editing.ts';
import { agreementApi } from '../api.ts';
import { SessionContext } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { LOCAL_ORIGIN, type AgreementConnection } from './connection.ts';
import { routeMissing } from './messages.ts';

export interface ClauseActions {
  move(clauseId: string, to: number): void;
  suggest(clause: ClauseSnapshot, text: string): Promise<void>;
  comment(clauseId: string, text: string): Promise<void>;
  decide(suggestion: SuggestionSnapshot, accept: boolean): Promise<void>;
}

export function useClauseActions(conn: AgreementConnection, caseId: string, token: string | null | undefined, canEdit: boolean): ClauseActions {
  const notify = useToast();
  const client = useMemo(() => agreementApi(caseId, token), [caseId, token]);
  const staffUser = useContext(SessionContext)?.user ?? null;
  // Who a comment or decision written into the doc directly is from (the API knows this by itself).
  const author = useMemo(
    () => ({ peerId: staffUser ? `user:${staffUser.id}` : `client:${conn.doc.clientID}`, name: staffUser?.displayName ?? '调解员' }),
    [conn, staffUser],
  );
  return {
    move(clauseId, to) {
      moveClause(conn.doc, clauseId, to, LOCAL_ORIGIN);
    },
    async suggest(clause, text) {
      await client.suggest({ clauseId: clause.id, kind: 'replace', index: 0, length: clause.text.length, text });
      notify('修改建议已提交，等待调解员处理', 'success');
    },
    async comment(clauseId, text) {
      try {
        await client.comment(clauseId, text);
      } catch (e) {
        if (!canEdit || !routeMissing(e)) throw e;
        addComment(conn.doc, { target: { clauseId }, text, author }, LOCAL_ORIGIN);
      }
    },
    async decide(s, accept) {
      try {
        await (accept ? client.accept(s.id) : client.reject(s.id));
      } catch (e) {
        if (!canEdit || !routeMissing(e)) throw e;
        if (accept) acceptSuggestion(conn.doc, s.id, author, LOCAL_ORIGIN);
        else rejectSuggestion(conn.doc, s.id, author, LOCAL_ORIGIN);
      }
      notify(accept ? '已采纳修改建议' : '已标记为不采纳', 'success');
    },
  };
}
