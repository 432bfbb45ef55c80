// The private notepad of each side (本方记事本): parties edit their own side's; mediators switch
// between side A and B and can carry (转达) a note or proposal to the other side, or put it into
// the joint agreement draft as a suggestion (both logged).
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { useToast } from '../toast.tsx';
import { Panel } from './panels.tsx';
import { errorMessage } from './protocol.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { formatTime } from './room-state.ts';
import { mergeNotepad, type NotepadSideName } from './caucus-state.ts';
import { ProposeToDraftDialog } from './propose-to-draft.tsx';

const SIDE_NAME: Record<NotepadSideName, string> = { A: '甲方', B: '乙方' };
const AUTOSAVE_MS = 1500;
const MAX_NOTEPAD = 20_000;
const MAX_CARRY = 5000;

interface Edit {
  /** The saved content the draft started from. */
  base: string;
  draft: string;
}

type SaveState = 'idle' | 'saving' | 'saved' | 'error';

interface Props {
  client: RoomClient;
  state: RoomState;
  isMediator: boolean;
  /** Parties: their own side (fixed). Mediators: the tab to open first. */
  initialSide: NotepadSideName;
  onClose(): void;
}

export function NotepadPanel({ client, state, isMediator, initialSide, onClose }: Props) {
  const notify = useToast();
  const [side, setSide] = useState<NotepadSideName>(initialSide);
  const [edits, setEdits] = useState<Partial<Record<NotepadSideName, Edit>>>({});
  const [conflict, setConflict] = useState<Partial<Record<NotepadSideName, boolean>>>({});
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [carryText, setCarryText] = useState('');
  const [confirmCarry, setConfirmCarry] = useState(false);
  const [carryBusy, setCarryBusy] = useState(false);
  const [carryError, setCarryError] = useState<string | null>(null);
  const [proposing, setProposing] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const editsRef = useRef(edits);
  editsRef.current = edits;
  const conflictRef = useRef(conflict);
  conflictRef.current = conflict;
  /** Content of my save in flight per side, to tell my own echo from someone else's update. */
  const savingRef = useRef<Partial<Record<NotepadSideName, string>>>({});

  const notepad = state.notepads[side];
  const edit = edits[side];
  const value = edit ? edit.draft : (notepad?.content ?? '');
  const other: NotepadSideName = side === 'A' ? 'B' : 'A';

  useEffect(() => {
    if (isMediator) return;
    setSide(initialSide);
  }, [initialSide, isMediator]);

  // Load (again) whenever the tab changes.
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    client
      .loadNotepad(side)
      .catch((err: unknown) => live && setError(errorMessage(err, '记事本加载失败')))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [client, side]);

  // Someone else saved (or a mediator carried a note) while I was editing: merge or flag.
  useEffect(() => {
    for (const s of ['A', 'B'] as const) {
      const n = state.notepads[s];
      const e = edits[s];
      if (!n || !e || n.content === e.base) continue;
      if (savingRef.current[s] === n.content) {
        delete savingRef.current[s];
        setEdits((prev) => withEdit(prev, s, prev[s] && prev[s].draft !== n.content ? { base: n.content, draft: prev[s].draft } : null));
        setConflict((c) => ({ ...c, [s]: false }));
        continue;
      }
      const merged = mergeNotepad(e.base, e.draft, n.content);
      if (merged === null) {
        if (!conflict[s]) setConflict((c) => ({ ...c, [s]: true }));
        continue;
      }
      setEdits((prev) => withEdit(prev, s, merged === n.content ? null : { base: n.content, draft: merged }));
      if (merged !== n.content && merged !== e.draft) notify(`${SIDE_NAME[s]}记事本有新内容，已合并到您正在编辑的内容中`, 'info');
    }
  }, [state.notepads, edits, conflict, notify]);

  const save = async (s: NotepadSideName, explicit: boolean): Promise<void> => {
    const e = editsRef.current[s];
    if (!e) return;
    if (conflictRef.current[s] && !explicit) return;
    if (e.draft.length > MAX_NOTEPAD) {
      setError('记事内容不能超过20000字');
      return;
    }
    savingRef.current[s] = e.draft;
    setSaveState('saving');
    try {
      await client.saveNotepad(s, e.draft);
      setSaveState('saved');
      setError(null);
    } catch (err) {
      delete savingRef.current[s];
      setSaveState('error');
      setError(errorMessage(err, '保存失败，请重试'));
    }
  };

  // Effects call the latest save (it reads the refs and this render's client), never a stale one.
  const saveRef = useRef(save);
  saveRef.current = save;

  // Autosave a while after the last keystroke.
  const draft = edit?.draft;
  const sideInConflict = conflict[side];
  useEffect(() => {
    if (draft === undefined || sideInConflict) return;
    const t = window.setTimeout(() => void saveRef.current(side, false), AUTOSAVE_MS);
    return () => window.clearTimeout(t);
  }, [draft, side, sideInConflict]);

  // Closing the sheet keeps what was typed.
  useEffect(
    () => () => {
      for (const s of ['A', 'B'] as const) if (editsRef.current[s] && !conflictRef.current[s]) void saveRef.current(s, false);
    },
    [],
  );

  const onChange = (text: string) => {
    setSaveState('idle');
    setEdits((prev) => withEdit(prev, side, { base: prev[side]?.base ?? notepad?.content ?? '', draft: text }));
  };

  const switchTo = (s: NotepadSideName) => {
    if (s === side) return;
    if (editsRef.current[side] && !conflictRef.current[side]) void save(side, false);
    setSaveState('idle');
    setCarryText('');
    setSide(s);
  };

  const loadLatest = () => {
    setEdits((prev) => withEdit(prev, side, null));
    setConflict((c) => ({ ...c, [side]: false }));
  };

  const quoteSelection = () => {
    const el = textRef.current;
    if (!el) return;
    const picked = el.value.slice(el.selectionStart, el.selectionEnd).trim();
    if (picked) setCarryText((t) => (t ? `${t}\n${picked}` : picked).slice(0, MAX_CARRY));
  };

  const carry = async () => {
    setCarryBusy(true);
    setCarryError(null);
    try {
      await client.carry(side, other, carryText.trim());
      setConfirmCarry(false);
      setCarryText('');
      notify(`已转达给${SIDE_NAME[other]}，并记入审计记录`, 'success');
    } catch (err) {
      setCarryError(errorMessage(err, '转达失败，请重试'));
    } finally {
      setCarryBusy(false);
    }
  };

  const dirty = !!edit && edit.draft !== edit.base;
  const statusState = conflict[side]
    ? 'conflict'
    : saveState === 'saving'
      ? 'saving'
      : saveState === 'error'
        ? 'error'
        : dirty
          ? 'dirty'
          : notepad?.updatedAt
            ? 'saved'
            : 'idle';
  const statusText =
    statusState === 'conflict'
      ? '记事本已被他人修改'
      : statusState === 'saving'
        ? '正在保存…'
        : statusState === 'error'
          ? '保存失败'
          : statusState === 'dirty'
            ? '有未保存的修改'
            : notepad?.updatedAt
              ? `已保存 ${formatTime(notepad.updatedAt)}${notepad.updatedBy ? ` · ${notepad.updatedBy}` : ''}`
              : '尚无内容';

  return (
    <Panel title={isMediator ? '双方记事本' : `本方记事本（${SIDE_NAME[side]}）`} onClose={onClose} testId="notepad-panel">
      <div className="notepad" data-side={side}>
        {isMediator && (
          <div className="notepad__tabs" role="tablist" aria-label="选择记事本">
            {(['A', 'B'] as const).map((s) => (
              <button
                key={s}
                type="button"
                role="tab"
                aria-selected={s === side}
                className={`notepad__tab notepad__tab--${s.toLowerCase()}${s === side ? ' is-active' : ''}`}
                onClick={() => switchTo(s)}
                data-testid={`notepad-tab-${s}`}
              >
                {SIDE_NAME[s]}记事本
              </button>
            ))}
          </div>
        )}
        <p className="notepad__hint small muted">
          {isMediator ? `仅${SIDE_NAME[side]}和调解员可见，对方看不到。` : '仅本方人员和调解员可见，对方看不到。可记录想法、诉求或调解员转达的方案。'}
        </p>
        {error && (
          <p className="chat__error" role="alert" data-testid="error-banner">
            {error}
          </p>
        )}
        {conflict[side] && (
          <div className="notepad__conflict" role="alert" data-testid="notepad-conflict">
            <span>记事本刚被{notepad?.updatedBy ?? '他人'}修改，与您未保存的内容冲突。</span>
            <div className="notepad__conflict-actions">
              <button type="button" className="btn btn--small" onClick={loadLatest} data-testid="notepad-load-latest">
                载入最新内容
              </button>
              <span className="small">或点「保存」以您的内容为准</span>
            </div>
          </div>
        )}
        <label className="sr-only" htmlFor="notepad-text">
          {SIDE_NAME[side]}记事本内容
        </label>
        <textarea
          id="notepad-text"
          ref={textRef}
          className="notepad__text"
          data-testid="notepad-text"
          data-side={side}
          value={value}
          maxLength={MAX_NOTEPAD}
          disabled={loading && !notepad}
          placeholder={loading && !notepad ? '正在加载…' : '在此记录…'}
          onChange={(e) => onChange(e.target.value)}
        />
        <div className="notepad__bar">
          <span className="notepad__status small" data-testid="notepad-status" data-state={statusState}>
            {statusText}
          </span>
          <button
            type="button"
            className="btn btn--primary btn--small"
            disabled={!edit || saveState === 'saving' || !state.online}
            onClick={() => void save(side, true)}
            data-testid="notepad-save"
          >
            保存
          </button>
        </div>

        {isMediator && (
          <section className="carry" aria-label={`转达给${SIDE_NAME[other]}`}>
            <h3 className="carry__title">
              从{SIDE_NAME[side]}转达给{SIDE_NAME[other]}
            </h3>
            <label className="sr-only" htmlFor="carry-text">
              转达内容
            </label>
            <textarea
              id="carry-text"
              className="carry__text"
              data-testid="carry-text"
              value={carryText}
              maxLength={MAX_CARRY}
              placeholder={`写下要转达给${SIDE_NAME[other]}的意见或方案…`}
              onChange={(e) => setCarryText(e.target.value)}
            />
            <div className="carry__actions">
              <button type="button" className="btn btn--ghost btn--small" onClick={quoteSelection} data-testid="carry-from-selection">
                引用选中的记事内容
              </button>
              <span className="carry__send">
                <button
                  type="button"
                  className="btn btn--outline btn--small"
                  disabled={!carryText.trim()}
                  onClick={() => setProposing(true)}
                  data-testid="propose-to-draft"
                >
                  放入协议草稿
                </button>
                <button
                  type="button"
                  className="btn btn--outline btn--small"
                  disabled={!carryText.trim() || !state.online}
                  onClick={() => {
                    setCarryError(null);
                    setConfirmCarry(true);
                  }}
                  data-testid="carry-send"
                >
                  转达给{SIDE_NAME[other]}
                </button>
              </span>
            </div>
          </section>
        )}
      </div>
      {proposing && (
        <ProposeToDraftDialog
          caseId={client.caseId}
          fromSide={side}
          text={carryText.trim()}
          onCancel={() => setProposing(false)}
          onDone={() => {
            setProposing(false);
            setCarryText('');
            notify('已作为修改建议放入协议草稿，并记入审计记录', 'success');
          }}
        />
      )}
      {confirmCarry && (
        <ConfirmDialog
          title={`转达给${SIDE_NAME[other]}？`}
          confirmText="确认转达"
          busy={carryBusy}
          error={carryError}
          onCancel={() => setConfirmCarry(false)}
          onConfirm={() => void carry()}
        >
          <p>
            以下内容将追加到<strong>{SIDE_NAME[other]}记事本</strong>（{SIDE_NAME[other]}人员可见），注明由调解员转达{SIDE_NAME[side]}
            意见。本次转达将记入案件审计记录。
          </p>
          <blockquote className="carry__quote prewrap" data-testid="carry-preview">
            {carryText.trim()}
          </blockquote>
        </ConfirmDialog>
      )}
    </Panel>
  );
}

function withEdit(prev: Partial<Record<NotepadSideName, Edit>>, side: NotepadSideName, edit: Edit | null): Partial<Record<NotepadSideName, Edit>> {
  const next = { ...prev };
  if (edit) next[side] = edit;
  else delete next[side];
  return next;
}
