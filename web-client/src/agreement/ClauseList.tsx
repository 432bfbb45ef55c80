// 协议内容: the numbered clauses, each with what concerns it (suggestions, comments, who is editing it,
// checker findings), and the button that adds one.
import type { Finding } from '../../../signaling/agreement/checker.ts';
import type { AgreementSnapshot } from '../../../signaling/agreement/document.ts';
import { addClause } from '../../../signaling/agreement/editing.ts';
import { useClauseActions } from './clause-actions.ts';
import { ClauseBlock } from './ClauseBlock.tsx';
import { LOCAL_ORIGIN, type AgreementConnection, type PresenceEntry } from './connection.ts';

interface ClauseListProps {
  conn: AgreementConnection;
  caseId: string;
  token: string | null | undefined;
  snapshot: AgreementSnapshot;
  findings: Finding[];
  /** The other people in the draft. */
  presence: PresenceEntry[];
  canEdit: boolean;
  isParty: boolean;
  onFocusClause(clauseId: string): void;
  /** Asks before deleting. */
  onDelete(clauseId: string): void;
}

export function ClauseList({ conn, caseId, token, snapshot, findings, presence, canEdit, isParty, onFocusClause, onDelete }: ClauseListProps) {
  const actions = useClauseActions(conn, caseId, token, canEdit);
  return (
    <section className="agreement__clauses" aria-label="协议内容">
      <h3 className="agreement__h">协议内容</h3>
      {snapshot.clauses.length === 0 && <p className="muted small">还没有条款。</p>}
      {snapshot.clauses.map((c, i) => (
        <ClauseBlock
          key={c.id}
          conn={conn}
          clause={c}
          docFields={snapshot.fields}
          index={i}
          count={snapshot.clauses.length}
          canEdit={canEdit}
          isParty={isParty}
          suggestions={snapshot.suggestions.filter((s) => s.clauseId === c.id)}
          comments={snapshot.comments.filter((m) => m.clauseId === c.id)}
          editors={presence.filter((p) => p.editing?.clauseId === c.id)}
          findings={findings.filter((f) => f.clauseId === c.id)}
          onFocus={() => onFocusClause(c.id)}
          onMove={(to) => actions.move(c.id, to)}
          onDelete={() => onDelete(c.id)}
          onSuggest={(text) => actions.suggest(c, text)}
          onComment={(text) => actions.comment(c.id, text)}
          onDecide={(s, accept) => actions.decide(s, accept)}
        />
      ))}
      {canEdit && (
        <button
          type="button"
          className="btn btn--outline btn--block"
          data-testid="clause-add"
          onClick={() => {
            const id = addClause(conn.doc, { title: '', text: '' }, LOCAL_ORIGIN);
            conn.refreshNow();
            requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>(`[data-clause-id="${id}"] [data-testid="clause-text"]`)?.focus());
          }}
        >
          ＋ 添加条款
        </button>
      )}
    </section>
  );
}
