// The fixed parts of the document around the clauses: the parties (from the case, read-only), the
// sections (a text with fill-in fields each) and 履行方式、地点和期限.
import {
  PERFORMANCE_KEYS,
  PERFORMANCE_LABELS,
  renderBlock,
  ROLE_LABELS,
  SECTION_LABELS,
  SIDE_LABELS,
  type AgreementSnapshot,
  type SectionKey,
} from '../../../signaling/agreement/document.ts';
import { setPerformance } from '../../../signaling/agreement/editing.ts';
import { BlockText } from './block-text.tsx';
import { LOCAL_ORIGIN, type AgreementConnection, type PresenceEntry } from './connection.ts';
import { DraftInput } from './DraftInput.tsx';
import { Fields } from './fields.tsx';
import { EditorsChips } from './presence.tsx';

export function PartiesBlock({ snapshot }: { snapshot: AgreementSnapshot }) {
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
export function SectionBlock({
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
  const block = snapshot.sections[section];
  const editors = presence.filter((p) => p.editing?.section === section);
  return (
    <section className="agreement__block" data-testid="agreement-section" data-section={section}>
      <h3 className="agreement__h">
        {SECTION_LABELS[section]}
        <EditorsChips editors={editors} />
      </h3>
      <BlockText conn={conn} target={{ section }} canEdit={canEdit} testId="section-text" label={SECTION_LABELS[section]} onFocus={onFocus} />
      <Fields conn={conn} target={{ section }} fields={block.fields} canEdit={canEdit} />
      {Object.keys(block.fields).length > 0 && <p className="clause__preview small muted">预览：{renderBlock(block)}</p>}
    </section>
  );
}

export function PerformanceBlock({ conn, snapshot, canEdit }: { conn: AgreementConnection; snapshot: AgreementSnapshot; canEdit: boolean }) {
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
  return (
    <label className="agreement__field">
      <span className="agreement__field-label">{label}</span>
      <DraftInput
        className="input"
        value={value}
        readOnly={!canEdit}
        placeholder={canEdit ? '待填写' : '（未填写）'}
        onCommit={(draft) => {
          if (canEdit && draft.trim() !== (value ?? '')) onCommit(draft.trim() || null);
        }}
      />
    </label>
  );
}
