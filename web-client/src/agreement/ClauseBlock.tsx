// One clause: number, title, reorder / delete tools, its text and fill-in fields with a preview, then
// the suggestions and comments on it. What a change means (who may make it, how it reaches the
// document) is decided by the caller through the on* props.
import { useState } from 'react';
import type { Finding } from '../../../signaling/agreement/checker.ts';
import { renderBlock, type ClauseSnapshot, type CommentSnapshot, type SuggestionSnapshot } from '../../../signaling/agreement/document.ts';
import { setClauseTitle } from '../../../signaling/agreement/editing.ts';
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { BlockText } from './block-text.tsx';
import { Comments } from './Comments.tsx';
import { LOCAL_ORIGIN, type AgreementConnection, type PresenceEntry } from './connection.ts';
import { blurOnEnter, DraftInput } from './DraftInput.tsx';
import { Fields } from './fields.tsx';
import { EditorsChips } from './presence.tsx';
import { SuggestForm, Suggestions } from './suggestions.tsx';

interface ClauseProps {
  conn: AgreementConnection;
  clause: ClauseSnapshot;
  /** The document's fill-in fields (what can be inserted into the text). */
  docFields: Readonly<Record<string, FieldValue>>;
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

export function ClauseBlock(props: ClauseProps) {
  const { conn, clause, index, count, canEdit, isParty, suggestions, comments, editors } = props;
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
      <BlockText
        conn={conn}
        target={{ clauseId: clause.id }}
        text={clause.text}
        fields={clause.fields}
        docFields={props.docFields}
        canEdit={canEdit}
        testId="clause-text"
        label={`第${index + 1}条正文`}
        placeholder={canEdit ? '输入条款内容；可用“插入填写项”引用已有的填写项' : ''}
        onFocus={props.onFocus}
      />
      {hasFields && <Fields conn={conn} target={{ clauseId: clause.id }} fields={clause.fields} canEdit={canEdit} />}
      {hasFields && (
        <p className="clause__preview small muted" data-testid="clause-preview">
          预览：{renderBlock(clause)}
        </p>
      )}
      <Suggestions suggestions={suggestions} fields={clause.fields} canDecide={canEdit} onDecide={props.onDecide} />
      {isParty && !suggesting && (
        <button type="button" className="btn btn--small btn--outline" data-testid="suggest-open" onClick={() => setSuggesting(true)}>
          提出修改建议
        </button>
      )}
      {isParty && suggesting && (
        <SuggestForm
          initial={renderBlock(clause)}
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
  return (
    <DraftInput
      className="clause__title-input"
      data-testid="clause-title"
      value={value}
      placeholder="条款标题（可选）"
      aria-label="条款标题"
      maxLength={40}
      onCommit={(draft) => {
        if (draft.trim() !== value) onCommit(draft);
      }}
      onKeyDown={blurOnEnter}
    />
  );
}
