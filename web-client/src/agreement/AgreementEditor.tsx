// The 调解协议书 editor: sections, clauses (add / reorder / delete), fill-in fields, suggestions and
// comments per clause, the live completeness checker, named versions with diffs, and who is editing.
// Editors (the mediator and co-mediators) write the Y.Doc directly; parties read it and send suggestions and
// comments through the HTTP API, which the server applies to the same document.
// This component wires the parts together (each in its own module beside it) and owns what spans them:
// the connection, who may edit, and the clause being deleted.
import { useMemo, useState, type ReactNode } from 'react';
import { PAPER_SIGNING_CODES } from '../../../signaling/agreement/checker.ts';
import { SECTION_KEYS } from '../../../signaling/agreement/document.ts';
import { deleteClause, type BlockRef } from '../../../signaling/agreement/editing.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { AgreementHeader } from './AgreementHeader.tsx';
import { PartiesBlock, PerformanceBlock, SectionBlock } from './blocks.tsx';
import { CheckerPanel } from './CheckerPanel.tsx';
import { ClauseList } from './ClauseList.tsx';
import { LOCAL_ORIGIN } from './connection.ts';
import { deniedMessage } from './messages.ts';
import { PresenceBar } from './presence.tsx';
import { useAgreementConnection } from './use-agreement-connection.ts';
import { VersionsPanel } from './VersionsPanel.tsx';

export interface AgreementEditorProps {
  caseId: string;
  /** Party link token; staff use the session cookie. */
  token?: string | null;
  /** Compact layout (room sheet). */
  compact?: boolean;
}

export function AgreementEditor({ caseId, token, compact }: AgreementEditorProps) {
  const [conn, state] = useAgreementConnection(caseId, token);
  const isParty = !!token;
  const canEdit = state.scope === 'read-write' && !isParty;
  const snapshot = state.snapshot;
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const clauseIndex = useMemo(() => new Map(snapshot?.clauses.map((c, i) => [c.id, i]) ?? []), [snapshot]);

  const others = state.presence.filter((p) => !p.self && p.user);
  const paper = state.findings.filter((f) => PAPER_SIGNING_CODES.includes(f.code));

  let body: ReactNode;
  if (state.status === 'denied') {
    body = <ErrorBanner title="无法打开协议草稿" message={deniedMessage(state.deniedReason)} />;
  } else if (!state.synced && !snapshot) {
    body = (
      <p className="muted" data-testid="loading">
        <span className="spinner" aria-hidden="true" /> 正在连接协议草稿…
      </p>
    );
  } else if (state.snapshotError) {
    body = <ErrorBanner title="协议草稿数据有误" message={state.snapshotError} />;
  } else if (!snapshot) {
    body = (
      <p className="muted" data-testid="agreement-empty">
        协议书尚未生成。{isParty ? '调解员生成协议草稿后，您可以在这里查看并提出修改建议。' : '请稍候，或刷新页面重试。'}
      </p>
    );
  } else {
    const open = (ref: BlockRef) => conn.setEditing('clauseId' in ref ? { clauseId: ref.clauseId, section: null } : { clauseId: null, section: ref.section });
    body = (
      <>
        {paper.length > 0 && (
          <div className="banner banner--warn agreement__paper" role="alert" data-testid="paper-signing">
            <strong>须纸质签署</strong>
            <span>协议涉及婚姻、收养、继承等人身关系或停止公用事业服务，依《电子签名法》第三条不能电子签署，请打印后由各方当面签字。</span>
          </div>
        )}
        <PartiesBlock caseId={caseId} snapshot={snapshot} canEdit={canEdit} />
        {SECTION_KEYS.map((key) => (
          <SectionBlock key={key} conn={conn} section={key} snapshot={snapshot} canEdit={canEdit} presence={others} onFocus={() => open({ section: key })} />
        ))}
        <ClauseList
          conn={conn}
          caseId={caseId}
          token={token}
          snapshot={snapshot}
          findings={state.findings}
          presence={others}
          canEdit={canEdit}
          isParty={isParty}
          onFocusClause={(clauseId) => open({ clauseId })}
          onDelete={setConfirmDelete}
        />
        <PerformanceBlock conn={conn} snapshot={snapshot} canEdit={canEdit} />
      </>
    );
  }

  return (
    <div
      className={`agreement${compact ? ' agreement--compact' : ''}`}
      data-testid="agreement-editor"
      data-status={state.status}
      data-synced={String(state.synced)}
      data-scope={state.scope ?? ''}
    >
      <AgreementHeader state={state} snapshot={snapshot} canEdit={canEdit} />
      <PresenceBar presence={state.presence} clauseIndex={clauseIndex} />
      <div className="agreement__layout">
        <div className="agreement__doc">{body}</div>
        {snapshot && (
          <aside className="agreement__side">
            <CheckerPanel findings={state.findings} clauseIndex={clauseIndex} />
            {!isParty && <VersionsPanel caseId={caseId} canSave={canEdit} />}
          </aside>
        )}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={`删除第${(clauseIndex.get(confirmDelete) ?? 0) + 1}条？`}
          confirmText="删除"
          danger
          onCancel={() => setConfirmDelete(null)}
          onConfirm={() => {
            try {
              deleteClause(conn.doc, confirmDelete, LOCAL_ORIGIN);
            } catch {
              // already deleted by someone else
            }
            setConfirmDelete(null);
          }}
        >
          <p>该条款及其未处理的修改建议将一并删除（已保存的版本中仍可查看）。</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
