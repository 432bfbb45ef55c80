// The editor's title bar: the agreement's title and case, whether the draft is saved, and the jump to
// the completeness check with its error count.
import type { AgreementSnapshot } from '../../../signaling/agreement/document.ts';
import type { AgreementState } from './connection.ts';

interface AgreementHeaderProps {
  state: AgreementState;
  snapshot: AgreementSnapshot | null;
  canEdit: boolean;
}

export function AgreementHeader({ state, snapshot, canEdit }: AgreementHeaderProps) {
  return (
    <header className="agreement__top">
      <div>
        <h2 className="agreement__title">{snapshot?.meta.title || '调解协议书'}</h2>
        {snapshot && (
          <p className="muted small">
            {snapshot.meta.caseNumber} · {snapshot.meta.orgName}
            {snapshot.meta.version > 0 ? ` · 第${snapshot.meta.version}版之后` : ''}
          </p>
        )}
      </div>
      <div className="agreement__top-right">
        <ConnectionBadge state={state} canEdit={canEdit} />
        {snapshot && (
          <button
            type="button"
            className="btn btn--small btn--ghost"
            data-testid="checker-jump"
            onClick={() => document.getElementById('agreement-checker')?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
          >
            {state.findings.some((f) => f.severity === 'error') ? `⚠ ${state.findings.filter((f) => f.severity === 'error').length} 项必须修改` : '完整性检查'}
          </button>
        )}
      </div>
    </header>
  );
}

function ConnectionBadge({ state, canEdit }: { state: AgreementState; canEdit: boolean }) {
  let text: string;
  let tone: string;
  if (state.status === 'denied') [text, tone] = ['无权限', 'red'];
  else if (state.storageFull) [text, tone] = ['服务器存储空间已满，修改尚未保存', 'red'];
  else if (state.status !== 'connected') [text, tone] = ['正在重新连接…', 'amber'];
  else if (!state.synced) [text, tone] = ['同步中…', 'amber'];
  else if (state.unsynced > 0) [text, tone] = ['保存中…', 'blue'];
  else [text, tone] = [canEdit ? '已保存' : '只读', canEdit ? 'green' : 'grey'];
  return (
    <span className={`badge badge--${tone}`} data-testid="agreement-sync" data-state={state.status}>
      {text}
    </span>
  );
}
