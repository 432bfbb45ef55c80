// The text of a section or clause: a textarea bound to that block's Y.Text in the shared document;
// focusing it tells the others which block this user is editing.
import * as Y from 'yjs';
import { agreementParts } from '../../../signaling/agreement/document.ts';
import type { BlockRef } from '../../../signaling/agreement/editing.ts';
import { LOCAL_ORIGIN, type AgreementConnection } from './connection.ts';
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
  canEdit: boolean;
  testId: string;
  label: string;
  placeholder?: string;
  onFocus(): void;
}

export function BlockText({ conn, target, canEdit, testId, label, placeholder, onFocus }: BlockTextProps) {
  const ytext = blockYText(conn, target);
  if (!ytext) return null;
  return (
    <YTextArea
      ytext={ytext}
      origin={LOCAL_ORIGIN}
      readOnly={!canEdit}
      className="input agreement__text"
      data-testid={testId}
      aria-label={label}
      placeholder={placeholder}
      onCaret={(i) => (i === null ? conn.setEditing(null) : onFocus())}
    />
  );
}
