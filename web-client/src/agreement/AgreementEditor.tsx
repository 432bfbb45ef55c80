// The 调解协议书 editor: sections, clauses (add / reorder / delete), fill-in fields, suggestions and
// comments per clause, the live completeness checker, named versions with diffs, and who is editing.
// Editors (the mediator and co-mediators) write the Y.Doc directly; parties read it and send suggestions and
// comments through the HTTP API, which the server applies to the same document.
import { ERRORS, isErrorCode } from '../../../signaling/errors.ts';
import { useContext, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import * as Y from 'yjs';
import { agreementApi, ApiError, type AgreementVersionInfo } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { SessionContext } from '../session.tsx';
import { useToast } from '../toast.tsx';
import { PAPER_SIGNING_CODES, type Finding } from '../../../signaling/agreement/checker.ts';
import {
  agreementParts,
  PERFORMANCE_KEYS,
  PERFORMANCE_LABELS,
  renderBlock,
  SECTION_KEYS,
  SECTION_LABELS,
  ROLE_LABELS,
  SIDE_LABELS,
  type AgreementSnapshot,
  type ClauseSnapshot,
  type CommentSnapshot,
  type SectionKey,
  type SuggestionSnapshot,
} from '../../../signaling/agreement/document.ts';
import {
  acceptSuggestion,
  addClause,
  addComment,
  deleteClause,
  moveClause,
  rejectSuggestion,
  setClauseTitle,
  setFieldValue,
  setPerformance,
  type BlockRef,
} from '../../../signaling/agreement/editing.ts';
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { diffChars } from '../../../signaling/agreement/text-diff.ts';
import { AgreementConnection, LOCAL_ORIGIN, type AgreementState, type PresenceEntry } from './connection.ts';
import { YTextArea } from './YTextArea.tsx';

export interface AgreementEditorProps {
  caseId: string;
  /** Party link token; staff use the session cookie. */
  token?: string | null;
  /** Compact layout (room sheet). */
  compact?: boolean;
}

const SEVERITY_LABEL = { error: '必须修改', warning: '建议修改', info: '提示' } as const;

function useConnection(caseId: string, token: string | null | undefined): [AgreementConnection, AgreementState] {
  const conn = useMemo(() => new AgreementConnection({ caseId, token }), [caseId, token]);
  useEffect(() => () => conn.destroy(), [conn]);
  const state = useSyncExternalStore(conn.subscribe, conn.getState, conn.getState);
  return [conn, state];
}

const errText = (e: unknown) => (e instanceof ApiError ? e.message : e instanceof Error && /[\u3400-\u9fff]/.test(e.message) ? e.message : '操作失败，请重试');
/** The HTTP route is not there (older server): the editor may apply the change to the doc itself. */
const routeMissing = (e: unknown) => e instanceof ApiError && e.status === 404 && e.message.startsWith('接口不存在');

export function AgreementEditor({ caseId, token, compact }: AgreementEditorProps) {
  const [conn, state] = useConnection(caseId, token);
  const isParty = !!token;
  const canEdit = state.scope === 'read-write' && !isParty;
  const snapshot = state.snapshot;
  const notify = useToast();
  const client = useMemo(() => agreementApi(caseId, token), [caseId, token]);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const clauseIndex = useMemo(() => new Map(snapshot?.clauses.map((c, i) => [c.id, i]) ?? []), [snapshot]);
  const staffUser = useContext(SessionContext)?.user ?? null;
  const author = useMemo(
    () => ({ peerId: staffUser ? `user:${staffUser.id}` : `client:${conn.doc.clientID}`, name: staffUser?.displayName ?? '调解员' }),
    [conn, staffUser],
  );

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
        <PartiesBlock snapshot={snapshot} />
        {SECTION_KEYS.map((key) => (
          <SectionBlock key={key} conn={conn} section={key} snapshot={snapshot} canEdit={canEdit} presence={others} onFocus={() => open({ section: key })} />
        ))}
        <section className="agreement__clauses" aria-label="协议内容">
          <h3 className="agreement__h">协议内容</h3>
          {snapshot.clauses.length === 0 && <p className="muted small">还没有条款。</p>}
          {snapshot.clauses.map((c, i) => (
            <ClauseBlock
              key={c.id}
              conn={conn}
              clause={c}
              index={i}
              count={snapshot.clauses.length}
              canEdit={canEdit}
              isParty={isParty}
              suggestions={snapshot.suggestions.filter((s) => s.clauseId === c.id)}
              comments={snapshot.comments.filter((m) => m.clauseId === c.id)}
              editors={others.filter((p) => p.editing?.clauseId === c.id)}
              findings={state.findings.filter((f) => f.clauseId === c.id)}
              onFocus={() => open({ clauseId: c.id })}
              onMove={(to) => {
                moveClause(conn.doc, c.id, to, LOCAL_ORIGIN);
              }}
              onDelete={() => setConfirmDelete(c.id)}
              onSuggest={async (text) => {
                await client.suggest({ clauseId: c.id, kind: 'replace', index: 0, length: c.text.length, text });
                notify('修改建议已提交，等待调解员处理', 'success');
              }}
              onComment={async (text) => {
                try {
                  await client.comment(c.id, text);
                } catch (e) {
                  if (!canEdit || !routeMissing(e)) throw e;
                  addComment(conn.doc, { target: { clauseId: c.id }, text, author }, LOCAL_ORIGIN);
                }
              }}
              onDecide={async (s, accept) => {
                try {
                  await (accept ? client.accept(s.id) : client.reject(s.id));
                } catch (e) {
                  if (!canEdit || !routeMissing(e)) throw e;
                  if (accept) acceptSuggestion(conn.doc, s.id, author, LOCAL_ORIGIN);
                  else rejectSuggestion(conn.doc, s.id, author, LOCAL_ORIGIN);
                }
                notify(accept ? '已采纳修改建议' : '已标记为不采纳', 'success');
              }}
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
              {state.findings.some((f) => f.severity === 'error')
                ? `⚠ ${state.findings.filter((f) => f.severity === 'error').length} 项必须修改`
                : '完整性检查'}
            </button>
          )}
        </div>
      </header>
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

function deniedMessage(reason: string | null): string {
  if (!reason) return '没有权限查看本案的协议草稿';
  if (/[\u3400-\u9fff]/.test(reason)) return reason;
  if (reason === 'FORBIDDEN' || reason === 'CASE_NOT_FOUND') return '您无权查看本案的协议草稿';
  return isErrorCode(reason) ? ERRORS[reason].message : `无法打开协议草稿（${reason}）`;
}

function ConnectionBadge({ state, canEdit }: { state: AgreementState; canEdit: boolean }) {
  let text: string;
  let tone: string;
  if (state.status === 'denied') [text, tone] = ['无权限', 'red'];
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

function presenceLabel(p: PresenceEntry, clauseIndex: Map<string, number>): string | null {
  if (p.editing?.clauseId) {
    const i = clauseIndex.get(p.editing.clauseId);
    return i === undefined ? null : `正在编辑第${i + 1}条`;
  }
  if (p.editing?.section) return `正在编辑「${SECTION_LABELS[p.editing.section as SectionKey] ?? p.editing.section}」`;
  return null;
}

function PresenceBar({ presence, clauseIndex }: { presence: PresenceEntry[]; clauseIndex: Map<string, number> }) {
  const others = presence.filter((p) => !p.self && p.user);
  if (others.length === 0) return <p className="agreement__presence muted small">只有您在查看</p>;
  return (
    <ul className="agreement__presence" aria-label="正在查看的人">
      {others.map((p) => {
        const doing = presenceLabel(p, clauseIndex);
        return (
          <li key={p.clientId} className="presence" data-testid="presence" data-name={p.user!.name} data-clause-id={p.editing?.clauseId ?? ''}>
            <span className="presence__dot" style={{ backgroundColor: p.user!.color }} aria-hidden="true" />
            <span>
              {p.user!.name}
              <span className="muted">（{p.user!.roleLabel}）</span>
              {doing && <span className="presence__doing"> · {doing}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function PartiesBlock({ snapshot }: { snapshot: AgreementSnapshot }) {
  if (snapshot.parties.length === 0) return null;
  return (
    <section className="agreement__block">
      <h3 className="agreement__h">当事人</h3>
      <ul className="agreement__parties">
        {snapshot.parties.map((p) => (
          <li key={p.id}>
            {SIDE_LABELS[p.side]}（{ROLE_LABELS[p.role]}）：{p.name || '【姓名】'}
            {p.idMasked ? `，身份证号码${p.idMasked}` : ''}
            {p.address ? `，住${p.address}` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function blockYText(conn: AgreementConnection, ref: BlockRef): Y.Text | null {
  const parts = agreementParts(conn.doc);
  const m = 'clauseId' in ref ? parts.clauses.get(ref.clauseId) : parts.sections.get(ref.section);
  const t = m?.get('text');
  return t instanceof Y.Text ? t : null;
}

function Fields({ conn, target, fields, canEdit }: { conn: AgreementConnection; target: BlockRef; fields: Record<string, FieldValue>; canEdit: boolean }) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return null;
  return (
    <div className="agreement__fields">
      {entries.map(([key, f]) => (
        <FieldInput key={key} conn={conn} target={target} fieldKey={key} field={f} canEdit={canEdit} />
      ))}
    </div>
  );
}

function FieldInput({
  conn,
  target,
  fieldKey,
  field,
  canEdit,
}: {
  conn: AgreementConnection;
  target: BlockRef;
  fieldKey: string;
  field: FieldValue;
  canEdit: boolean;
}) {
  const [draft, setDraft] = useState(field.value ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(field.value ?? '');
  }, [field.value]);
  const commit = () => {
    if ((field.value ?? '') === draft.trim()) return;
    const r = setFieldValue(conn.doc, target, fieldKey, draft.trim() === '' ? null : draft, LOCAL_ORIGIN);
    setProblem(r.ok ? null : r.problem);
  };
  const id = `f-${'clauseId' in target ? target.clauseId : target.section}-${fieldKey}`;
  return (
    <label className="agreement__field" htmlFor={id} data-testid="clause-field" data-field={fieldKey}>
      <span className="agreement__field-label">{field.label}</span>
      <input
        id={id}
        className="input"
        value={draft}
        readOnly={!canEdit}
        placeholder={canEdit ? '待填写' : '（未填写）'}
        onFocus={() => (focused.current = true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          focused.current = false;
          if (canEdit) commit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) (e.target as HTMLInputElement).blur();
        }}
      />
      {problem && <span className="agreement__field-problem">{problem}</span>}
    </label>
  );
}

function SectionBlock({
  conn,
  section,
  snapshot,
  canEdit,
  presence,
  onFocus,
}: {
  conn: AgreementConnection;
  section: SectionKey;
  snapshot: AgreementSnapshot;
  canEdit: boolean;
  presence: PresenceEntry[];
  onFocus(): void;
}) {
  const ytext = blockYText(conn, { section });
  const block = snapshot.sections[section];
  const editors = presence.filter((p) => p.editing?.section === section);
  return (
    <section className="agreement__block" data-testid="agreement-section" data-section={section}>
      <h3 className="agreement__h">
        {SECTION_LABELS[section]}
        <EditorsChips editors={editors} />
      </h3>
      {ytext && (
        <YTextArea
          ytext={ytext}
          origin={LOCAL_ORIGIN}
          readOnly={!canEdit}
          className="input agreement__text"
          data-testid="section-text"
          aria-label={SECTION_LABELS[section]}
          onCaret={(i) => (i === null ? conn.setEditing(null) : onFocus())}
        />
      )}
      <Fields conn={conn} target={{ section }} fields={block.fields} canEdit={canEdit} />
      {Object.keys(block.fields).length > 0 && <p className="clause__preview small muted">预览：{renderBlock(block)}</p>}
    </section>
  );
}

function EditorsChips({ editors }: { editors: PresenceEntry[] }) {
  if (editors.length === 0) return null;
  return (
    <span className="agreement__editing" data-testid="clause-editing">
      {editors.map((p) => (
        <span key={p.clientId} className="agreement__editing-chip" style={{ borderColor: p.user?.color, color: p.user?.color }}>
          ✎ {p.user?.name}
        </span>
      ))}
    </span>
  );
}

interface ClauseProps {
  conn: AgreementConnection;
  clause: ClauseSnapshot;
  index: number;
  count: number;
  canEdit: boolean;
  isParty: boolean;
  suggestions: SuggestionSnapshot[];
  comments: CommentSnapshot[];
  editors: PresenceEntry[];
  findings: Finding[];
  onFocus(): void;
  onMove(to: number): void;
  onDelete(): void;
  onSuggest(text: string): Promise<void>;
  onComment(text: string): Promise<void>;
  onDecide(s: SuggestionSnapshot, accept: boolean): Promise<void>;
}

function ClauseBlock(props: ClauseProps) {
  const { conn, clause, index, count, canEdit, isParty, suggestions, comments, editors } = props;
  const ytext = blockYText(conn, { clauseId: clause.id });
  const [suggesting, setSuggesting] = useState(false);
  const hasFields = Object.keys(clause.fields).length > 0;
  const worst = props.findings.some((f) => f.severity === 'error') ? 'error' : props.findings.length ? 'warning' : '';
  return (
    <article className={`clause${worst ? ` clause--${worst}` : ''}`} data-testid="clause" data-clause-id={clause.id} id={`clause-${clause.id}`}>
      <header className="clause__head">
        <strong className="clause__no">第{index + 1}条</strong>
        {canEdit ? (
          <ClauseTitle value={clause.title} onCommit={(t) => setClauseTitle(conn.doc, clause.id, t, LOCAL_ORIGIN)} />
        ) : (
          clause.title && <span className="clause__title">{clause.title}</span>
        )}
        <EditorsChips editors={editors} />
        {canEdit && (
          <span className="clause__tools">
            <button
              type="button"
              className="btn btn--small btn--ghost"
              data-testid="clause-up"
              disabled={index === 0}
              aria-label={`第${index + 1}条上移`}
              onClick={() => props.onMove(index - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost"
              data-testid="clause-down"
              disabled={index === count - 1}
              aria-label={`第${index + 1}条下移`}
              onClick={() => props.onMove(index + 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost clause__delete"
              data-testid="clause-delete"
              aria-label={`删除第${index + 1}条`}
              onClick={props.onDelete}
            >
              删除
            </button>
          </span>
        )}
      </header>
      {ytext && (
        <YTextArea
          ytext={ytext}
          origin={LOCAL_ORIGIN}
          readOnly={!canEdit}
          className="input agreement__text"
          data-testid="clause-text"
          aria-label={`第${index + 1}条正文`}
          placeholder={canEdit ? '输入条款内容；填写项用 {{字段}} 表示' : ''}
          onCaret={(i) => (i === null ? conn.setEditing(null) : props.onFocus())}
        />
      )}
      {hasFields && <Fields conn={conn} target={{ clauseId: clause.id }} fields={clause.fields} canEdit={canEdit} />}
      {hasFields && (
        <p className="clause__preview small muted" data-testid="clause-preview">
          预览：{renderBlock(clause)}
        </p>
      )}
      <Suggestions suggestions={suggestions} canDecide={canEdit} onDecide={props.onDecide} />
      {isParty && !suggesting && (
        <button type="button" className="btn btn--small btn--outline" data-testid="suggest-open" onClick={() => setSuggesting(true)}>
          提出修改建议
        </button>
      )}
      {isParty && suggesting && (
        <SuggestForm
          initial={clause.text}
          onCancel={() => setSuggesting(false)}
          onSend={async (t) => {
            await props.onSuggest(t);
            setSuggesting(false);
          }}
        />
      )}
      <Comments comments={comments} onSend={props.onComment} />
    </article>
  );
}

function ClauseTitle({ value, onCommit }: { value: string; onCommit(title: string): void }) {
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  return (
    <input
      className="clause__title-input"
      data-testid="clause-title"
      value={draft}
      placeholder="条款标题（可选）"
      aria-label="条款标题"
      maxLength={40}
      onFocus={() => (focused.current = true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        focused.current = false;
        if (draft.trim() !== value) onCommit(draft);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.nativeEvent.isComposing) (e.target as HTMLInputElement).blur();
      }}
    />
  );
}

function Suggestions({
  suggestions,
  canDecide,
  onDecide,
}: {
  suggestions: SuggestionSnapshot[];
  canDecide: boolean;
  onDecide(s: SuggestionSnapshot, accept: boolean): Promise<void>;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (suggestions.length === 0) return null;
  const statusLabel = { open: '待处理', accepted: '已采纳', rejected: '未采纳' } as const;
  return (
    <ul className="clause__suggestions" aria-label="修改建议">
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {suggestions.map((s) => (
        <li key={s.id} className={`suggestion suggestion--${s.status}`} data-testid="suggestion" data-status={s.status} data-suggestion-id={s.id}>
          <div className="suggestion__head small">
            <strong>{s.authorName}</strong> 建议{s.kind === 'delete' ? '删除' : s.kind === 'insert' ? '插入' : '修改为'}
            <span className={`badge badge--${s.status === 'open' ? 'amber' : s.status === 'accepted' ? 'green' : 'grey'}`}>{statusLabel[s.status]}</span>
          </div>
          <SuggestionDiff original={s.kind === 'insert' ? '' : s.original} text={s.text} />
          {canDecide && s.status === 'open' && (
            <div className="suggestion__actions">
              <button
                type="button"
                className="btn btn--small btn--primary"
                data-testid="suggestion-accept"
                disabled={busy === s.id}
                onClick={() => {
                  setBusy(s.id);
                  setError(null);
                  onDecide(s, true)
                    .catch((e: unknown) => setError(errText(e)))
                    .finally(() => setBusy(null));
                }}
              >
                采纳
              </button>
              <button
                type="button"
                className="btn btn--small btn--outline"
                data-testid="suggestion-reject"
                disabled={busy === s.id}
                onClick={() => {
                  setBusy(s.id);
                  setError(null);
                  onDecide(s, false)
                    .catch((e: unknown) => setError(errText(e)))
                    .finally(() => setBusy(null));
                }}
              >
                不采纳
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The suggested change inline: unchanged text plain, removed struck through, added underlined. */
function SuggestionDiff({ original, text }: { original: string; text: string }) {
  const segments = useMemo(() => diffChars(original, text), [original, text]);
  return (
    <p className="suggestion__diff" data-testid="suggestion-diff">
      {segments.map((seg, i) =>
        seg.op === 'equal' ? (
          <span key={i}>{seg.text.length > 40 ? `${seg.text.slice(0, 12)}…${seg.text.slice(-12)}` : seg.text}</span>
        ) : seg.op === 'delete' ? (
          <del key={i} className="suggestion__old">
            {seg.text}
          </del>
        ) : (
          <ins key={i} className="suggestion__new">
            {seg.text}
          </ins>
        ),
      )}
    </p>
  );
}

function SuggestForm({ initial, onSend, onCancel }: { initial: string; onSend(text: string): Promise<void>; onCancel(): void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || text === initial) {
      setError('请先修改条款文字，再提交建议');
      return;
    }
    setBusy(true);
    setError(null);
    onSend(text)
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="clause__suggest" onSubmit={submit}>
      <label className="small muted" htmlFor={id}>
        建议将本条修改为：
      </label>
      <textarea id={id} className="input agreement__text" data-testid="suggest-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      {error && <ErrorBanner message={error} />}
      <div className="clause__suggest-actions">
        <button type="submit" className="btn btn--small btn--primary" data-testid="suggest-send" disabled={busy}>
          {busy ? '正在提交…' : '提交建议'}
        </button>
        <button type="button" className="btn btn--small btn--ghost" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}

function Comments({ comments, onSend }: { comments: CommentSnapshot[]; onSend(text: string): Promise<void> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    onSend(text.trim())
      .then(() => setText(''))
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="clause__comments">
      {comments.length > 0 && (
        <ul className="clause__comment-list" aria-label="意见">
          {comments.map((m) => (
            <li key={m.id} className="comment small" data-testid="comment" data-comment-id={m.id}>
              <strong>{m.authorName}</strong>：{m.text}
            </li>
          ))}
        </ul>
      )}
      <form className="clause__comment-form" onSubmit={submit}>
        <input
          className="input"
          data-testid="comment-text"
          value={text}
          placeholder="对本条发表意见"
          aria-label="对本条发表意见"
          onChange={(e) => setText(e.target.value)}
          maxLength={500}
        />
        <button type="submit" className="btn btn--small btn--outline" data-testid="comment-send" disabled={busy || !text.trim()}>
          发送
        </button>
        {error && <ErrorBanner message={error} />}
      </form>
    </div>
  );
}

function PerformanceBlock({ conn, snapshot, canEdit }: { conn: AgreementConnection; snapshot: AgreementSnapshot; canEdit: boolean }) {
  return (
    <section className="agreement__block" aria-label="履行">
      <h3 className="agreement__h">履行方式、地点和期限</h3>
      <div className="agreement__fields">
        {PERFORMANCE_KEYS.map((key) => (
          <PerformanceInput
            key={key}
            label={PERFORMANCE_LABELS[key]}
            value={snapshot.performance[key]}
            canEdit={canEdit}
            onCommit={(v) => setPerformance(conn.doc, key, v, LOCAL_ORIGIN)}
          />
        ))}
      </div>
    </section>
  );
}

function PerformanceInput({ label, value, canEdit, onCommit }: { label: string; value: string | null; canEdit: boolean; onCommit(v: string | null): void }) {
  const [draft, setDraft] = useState(value ?? '');
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value ?? '');
  }, [value]);
  return (
    <label className="agreement__field">
      <span className="agreement__field-label">{label}</span>
      <input
        className="input"
        value={draft}
        readOnly={!canEdit}
        placeholder={canEdit ? '待填写' : '（未填写）'}
        onFocus={() => (focused.current = true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          focused.current = false;
          if (canEdit && draft.trim() !== (value ?? '')) onCommit(draft.trim() || null);
        }}
      />
    </label>
  );
}

function CheckerPanel({ findings, clauseIndex }: { findings: Finding[]; clauseIndex: Map<string, number> }) {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return (
    <section className="agreement__panel" aria-label="完整性检查" data-testid="checker" id="agreement-checker">
      <h3 className="agreement__h">
        完整性检查
        <span className={`badge badge--${errors ? 'red' : findings.length ? 'amber' : 'green'}`} data-testid="checker-count" data-errors={errors}>
          {errors ? `${errors} 项必须修改` : findings.length ? `${findings.length} 项提示` : '未发现问题'}
        </span>
      </h3>
      {findings.length > 0 && (
        <ul className="checker__list">
          {findings.map((f, i) => {
            const at = f.clauseId !== undefined ? clauseIndex.get(f.clauseId) : undefined;
            return (
              <li
                key={`${f.code}-${f.clauseId ?? f.section}-${f.field ?? ''}-${i}`}
                className={`finding finding--${f.severity}`}
                data-testid="checker-finding"
                data-code={f.code}
                data-severity={f.severity}
                data-clause-id={f.clauseId ?? ''}
              >
                <span className="finding__sev">{SEVERITY_LABEL[f.severity]}</span>
                {at !== undefined ? (
                  <button
                    type="button"
                    className="finding__where"
                    aria-label={`定位到第${at + 1}条`}
                    onClick={() => document.getElementById(`clause-${f.clauseId}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' })}
                  >
                    定位
                  </button>
                ) : null}
                <span className="finding__msg">{f.message}</span>
                {f.hint && <span className="finding__hint small muted">{f.hint}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Stands for the live draft in a comparison (`to=current`). */
const CURRENT = Number.MAX_SAFE_INTEGER;

function creatorName(v: AgreementVersionInfo): string {
  return v.createdBy.name;
}

function VersionsPanel({ caseId, canSave }: { caseId: string; canSave: boolean }) {
  const client = useMemo(() => agreementApi(caseId), [caseId]);
  const notify = useToast();
  const [versions, setVersions] = useState<AgreementVersionInfo[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<string[] | null>(null);
  const [diffBusy, setDiffBusy] = useState(false);

  const load = () =>
    client.versions().then(
      (v) => setVersions([...v].sort((a, b) => b.seq - a.seq)),
      (e: unknown) => setError(errText(e)),
    );
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    client
      .saveVersion(name.trim())
      .then((v) => {
        setName('');
        notify(`已保存第${v?.seq ?? ''}版`, 'success');
        return load();
      })
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };

  const showDiff = (a: number, b: number) => {
    setDiffBusy(true);
    setError(null);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    client
      .diff(lo, hi === CURRENT ? 'current' : hi)
      .then((d) => setDiff(d.lines))
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setDiffBusy(false));
  };

  const pick = (seq: number) => {
    // Two picks make a pair; a third starts over.
    if (from === null || (from !== null && to !== null)) {
      setFrom(seq);
      setTo(null);
      setDiff(null);
    } else if (seq !== from) {
      setTo(seq);
      showDiff(from, seq);
    }
  };

  return (
    <section className="agreement__panel" aria-label="版本记录" data-testid="versions">
      <h3 className="agreement__h">版本记录</h3>
      {canSave && (
        <form className="versions__save" onSubmit={save}>
          <input
            className="input"
            data-testid="version-name"
            placeholder="版本名称，如“第一次调解后”"
            value={name}
            maxLength={60}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="btn btn--small btn--primary" data-testid="version-save" disabled={busy}>
            {busy ? '正在保存…' : '保存版本'}
          </button>
        </form>
      )}
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {versions === null ? (
        <p className="muted small">正在加载…</p>
      ) : versions.length === 0 ? (
        <p className="muted small">还没有保存的版本。</p>
      ) : (
        <>
          <p className="muted small">点选两个版本查看差异。</p>
          <ul className="versions__list">
            {versions.map((v) => {
              const selected = v.seq === from || v.seq === to;
              return (
                <li key={v.id ?? v.seq}>
                  <button
                    type="button"
                    className={`version${selected ? ' version--selected' : ''}`}
                    data-testid="version-row"
                    data-seq={v.seq}
                    aria-pressed={selected}
                    onClick={() => pick(v.seq)}
                  >
                    <strong>第{v.seq}版</strong> {v.name}
                    <span className="muted small">
                      {' · '}
                      {new Date(v.createdAt).toLocaleString('zh-CN', { hour12: false })}
                      {creatorName(v) ? ` · ${creatorName(v)}` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {from !== null && to === null && (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              data-testid="version-compare-current"
              onClick={() => {
                setTo(CURRENT);
                showDiff(from, CURRENT);
              }}
            >
              与当前草稿比较
            </button>
          )}
          {versions.length >= 2 && from === null && (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              onClick={() => {
                const [b, a] = versions;
                setFrom(a!.seq);
                setTo(b!.seq);
                showDiff(a!.seq, b!.seq);
              }}
            >
              比较最近两版
            </button>
          )}
        </>
      )}
      {diffBusy && <p className="muted small">正在比较…</p>}
      {diff && from !== null && to !== null && (
        <div className="version-diff" data-testid="version-diff">
          <p className="small">
            第{Math.min(from, to)}版 → {Math.max(from, to) === CURRENT ? '当前草稿' : `第${Math.max(from, to)}版`}
          </p>
          {diff.length === 0 ? (
            <p className="muted small">两个版本内容相同。</p>
          ) : (
            <ul>
              {diff.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
