// The text of a section or clause in the shared document; focusing it tells the others which block
// this user is editing. A block that uses fill-in fields is edited with the fields as chips
// (FieldTextEditor) — nobody sees {{…}}; a block without fields is a plain textarea (YTextArea). An
// editor can insert any of the document's fields at the caret: the same field in several blocks
// holds one value, entered once.
import { useRef } from 'react';
import * as Y from 'yjs';
import { agreementParts } from '../../../signaling/agreement/document.ts';
import type { BlockRef } from '../../../signaling/agreement/editing.ts';
import { placeholderKeys, type FieldValue } from '../../../signaling/agreement/fields.ts';
import { LOCAL_ORIGIN, type AgreementConnection } from './connection.ts';
import { fieldInputId } from './fields.tsx';
import { FieldTextEditor } from './FieldTextEditor.tsx';
import { YTextArea } from './YTextArea.tsx';

function blockYText(conn: AgreementConnection, ref: BlockRef): Y.Text | null {
  const parts = agreementParts(conn.doc);
  const m = 'clauseId' in ref ? parts.clauses.get(ref.clauseId) : parts.sections.get(ref.section);
  const t = m?.get('text');
  return t instanceof Y.Text ? t : null;
}

interface BlockTextProps {
  conn: AgreementConnection;
  target: BlockRef;
  /** The text as in the snapshot (decides which editor) and the fields it uses. */
  text: string;
  fields: Readonly<Record<string, FieldValue>>;
  /** All of the document's fields (what can be inserted). */
  docFields: Readonly<Record<string, FieldValue>>;
  canEdit: boolean;
  testId: string;
  label: string;
  placeholder?: string;
  onFocus(): void;
}

export function BlockText({ conn, target, text, fields, docFields, canEdit, testId, label, placeholder, onFocus }: BlockTextProps) {
  const ytext = blockYText(conn, target);
  const caret = useRef<number | null>(null);
  if (!ytext) return null;
  const onCaret = (i: number | null) => {
    if (i === null) conn.setEditing(null);
    else {
      caret.current = i;
      onFocus();
    }
  };
  const insertField = (key: string) => {
    const at = Math.min(caret.current ?? ytext.length, ytext.length);
    conn.doc.transact(() => ytext.insert(at, `{{${key}}}`), LOCAL_ORIGIN);
  };
  const choices = Object.entries(docFields);
  return (
    <>
      {placeholderKeys(text).length > 0 ? (
        <FieldTextEditor
          ytext={ytext}
          origin={LOCAL_ORIGIN}
          fields={fields}
          readOnly={!canEdit}
          label={label}
          testId={testId}
          placeholder={placeholder}
          onCaret={onCaret}
          onChipClick={(key) => document.getElementById(fieldInputId(target, key))?.focus()}
        />
      ) : (
        <YTextArea
          ytext={ytext}
          origin={LOCAL_ORIGIN}
          readOnly={!canEdit}
          className="input agreement__text"
          data-testid={testId}
          aria-label={label}
          placeholder={placeholder}
          onCaret={onCaret}
        />
      )}
      {canEdit && choices.length > 0 && (
        <select
          className="agreement__insert-field"
          data-testid="insert-field"
          aria-label={`在${label}中插入填写项`}
          value=""
          onChange={(e) => {
            if (e.target.value) insertField(e.target.value);
          }}
        >
          <option value="">插入填写项…</option>
          {choices.map(([key, f]) => (
            <option key={key} value={key}>
              {f.label}
              {f.value ? `（${f.value}）` : ''}
            </option>
          ))}
        </select>
      )}
    </>
  );
}
