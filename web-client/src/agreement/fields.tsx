// The fill-in fields a section or clause uses, as labelled inputs under its text. A field is one value in the
// document's field store: filling it here fills it in every block that uses it. The value is normalised and
// checked when written, its problem shown under the input.
import { useState } from 'react';
import { setFieldValue, type BlockRef } from '../../../signaling/agreement/editing.ts';
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { LOCAL_ORIGIN, type AgreementConnection } from './connection.ts';
import { blurOnEnter, DraftInput } from './DraftInput.tsx';

/** The id of a field's input under a block (a chip in the text focuses it). */
export const fieldInputId = (target: BlockRef, key: string) => `f-${'clauseId' in target ? target.clauseId : target.section}-${key}`;

export function Fields({
  conn,
  target,
  fields,
  canEdit,
}: {
  conn: AgreementConnection;
  target: BlockRef;
  fields: Record<string, FieldValue>;
  canEdit: boolean;
}) {
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
  const [problem, setProblem] = useState<string | null>(null);
  const commit = (draft: string) => {
    if ((field.value ?? '') === draft.trim()) return;
    const r = setFieldValue(conn.doc, target, fieldKey, draft.trim() === '' ? null : draft, LOCAL_ORIGIN);
    setProblem(r.ok ? null : r.problem);
  };
  const id = fieldInputId(target, fieldKey);
  return (
    <label className="agreement__field" htmlFor={id} data-testid="clause-field" data-field={fieldKey}>
      <span className="agreement__field-label">{field.label}</span>
      <DraftInput
        id={id}
        className="input"
        value={field.value}
        readOnly={!canEdit}
        placeholder={canEdit ? '待填写' : '（未填写）'}
        onCommit={(draft) => {
          if (canEdit) commit(draft);
        }}
        onKeyDown={blurOnEnter}
      />
      {problem && <span className="agreement__field-problem">{problem}</span>}
    </label>
  );
}
