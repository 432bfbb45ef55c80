// Mediator: put a proposal from a side's private notepad into the joint agreement draft as a
// suggestion on one clause (appended to it or replacing it). Both sides will see the suggestion,
// so the dialog says so; the server logs which side's notepad it came from.
import { useEffect, useState } from 'react';
import { renderText } from '../../../signaling/agreement/fields.ts';
import { agreementApi, type AgreementClauseInfo } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { errorMessage } from './protocol.ts';

const SIDE_NAME = { A: '甲方', B: '乙方' } as const;

interface Props {
  caseId: string;
  fromSide: 'A' | 'B';
  text: string;
  onDone(): void;
  onCancel(): void;
}

export function ProposeToDraftDialog({ caseId, fromSide, text, onDone, onCancel }: Props) {
  const [clauses, setClauses] = useState<AgreementClauseInfo[] | null>(null);
  const [clauseId, setClauseId] = useState('');
  const [mode, setMode] = useState<'append' | 'replace'>('append');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    agreementApi(caseId)
      .clauses()
      .then((list) => {
        if (!live) return;
        setClauses(list);
        setClauseId((id) => id || list[0]?.id || '');
      })
      .catch((err: unknown) => live && setError(errorMessage(err, '协议草稿加载失败，请先在「协议」中打开草稿')));
    return () => {
      live = false;
    };
  }, [caseId]);

  const submit = async () => {
    if (!clauseId) return setError('请选择放入哪一条');
    setBusy(true);
    setError(null);
    try {
      await agreementApi(caseId).suggestFromNotepad({ fromSide, clauseId, mode, text });
      onDone();
    } catch (err) {
      setError(errorMessage(err, '放入协议草稿失败，请重试'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ConfirmDialog
      title="作为修改建议放入协议草稿？"
      confirmText="放入草稿"
      busy={busy || clauses === null}
      error={error}
      onCancel={onCancel}
      onConfirm={() => void submit()}
    >
      <p>
        以下内容将作为<strong>调解员的修改建议</strong>出现在协议草稿中，<strong>双方都能看到</strong>；采纳前不改变条款。本次操作将记入审计记录（来源：
        {SIDE_NAME[fromSide]}记事本）。
      </p>
      <blockquote className="carry__quote prewrap" data-testid="propose-preview">
        {text}
      </blockquote>
      {clauses === null && !error && <p className="small muted">正在载入条款…</p>}
      {clauses !== null && clauses.length === 0 && <p className="small muted">协议草稿中还没有条款，请先在「协议」中添加。</p>}
      {clauses !== null && clauses.length > 0 && (
        <div className="propose">
          <label className="field">
            <span className="field__label">放入</span>
            <select value={clauseId} onChange={(e) => setClauseId(e.target.value)} data-testid="propose-clause">
              {clauses.map((c, i) => (
                <option key={c.id} value={c.id}>
                  第{i + 1}条{c.title ? ` ${c.title}` : ''}：{renderText(c.text, c.fields ?? {}).slice(0, 18)}
                  {renderText(c.text, c.fields ?? {}).length > 18 ? '…' : ''}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="propose__mode">
            <legend className="field__label">方式</legend>
            <label>
              <input type="radio" name="propose-mode" checked={mode === 'append'} onChange={() => setMode('append')} data-testid="propose-append" />{' '}
              追加到该条末尾
            </label>
            <label>
              <input type="radio" name="propose-mode" checked={mode === 'replace'} onChange={() => setMode('replace')} data-testid="propose-replace" />{' '}
              替换该条全文
            </label>
          </fieldset>
        </div>
      )}
    </ConfirmDialog>
  );
}
