// The fixed parts of the document around the clauses: the parties, the sections (a text with fill-in
// fields each) and 履行方式、地点和期限.
import { useState } from 'react';
import { formatDateCn } from '../../../signaling/agreement/dates.ts';
import { maskIdNumber } from '../../../signaling/domain/id-number.ts';
import {
  formatPartyLine,
  PERFORMANCE_KEYS,
  PERFORMANCE_LABELS,
  renderBlock,
  ROLE_LABELS,
  SECTION_LABELS,
  SIDE_LABELS,
  type AgreementSnapshot,
  type PartySnapshot,
  type SectionKey,
} from '../../../signaling/agreement/document.ts';
import { api, ApiError, type ParticipantDetails } from '../api.ts';
import { setPerformance } from '../../../signaling/agreement/editing.ts';
import { BlockText } from './block-text.tsx';
import { LOCAL_ORIGIN, type AgreementConnection, type PresenceEntry } from './connection.ts';
import { DraftInput } from './DraftInput.tsx';
import { Fields } from './fields.tsx';
import { EditorsChips } from './presence.tsx';

/**
 * The parties as the agreement prints them. The case's participant records are their one source:
 * an editor's change here is saved to the record (PATCH /api/cases/:id/participants/:pid), and the
 * server copies the record into the document, so the case page, this block, the PDF and the court
 * documents always agree. Name and ID number are changed on the case page (they confirm identity).
 */
export function PartiesBlock({ caseId, snapshot, canEdit }: { caseId: string; snapshot: AgreementSnapshot; canEdit: boolean }) {
  if (snapshot.parties.length === 0) return null;
  return (
    <section className="agreement__block" aria-label="当事人">
      <h3 className="agreement__h">当事人</h3>
      <ul className="agreement__parties">
        {snapshot.parties.map((p) => (
          <li key={p.id} data-testid="party-block" data-party-id={p.id}>
            {canEdit ? <PartyEditor caseId={caseId} party={p} /> : <span data-testid="party-line">{formatPartyLine(p)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

type PartyInputKey = 'address' | 'serviceAddress' | 'ethnicity' | 'creditCode' | 'legalRepresentative' | 'representativeTitle';
/** The participant record's name for each document field. */
const RECORD_KEY: Record<PartyInputKey, keyof ParticipantDetails> = {
  address: 'address',
  serviceAddress: 'serviceAddress',
  ethnicity: 'ethnicity',
  creditCode: 'creditCode',
  legalRepresentative: 'representative',
  representativeTitle: 'representativeTitle',
};

function PartyEditor({ caseId, party: p }: { caseId: string; party: PartySnapshot }) {
  const legal = p.personType === 'legal';
  const addressLabel = legal ? '住所地' : '住所';
  const inputs: Array<{ key: PartyInputKey; label: string; placeholder?: string }> = legal
    ? [
        { key: 'creditCode', label: '统一社会信用代码' },
        { key: 'legalRepresentative', label: '法定代表人（负责人）' },
        { key: 'representativeTitle', label: '职务' },
        { key: 'address', label: addressLabel },
        { key: 'serviceAddress', label: '送达地址', placeholder: `同${addressLabel}` },
      ]
    : [
        { key: 'ethnicity', label: '民族' },
        { key: 'address', label: addressLabel },
        { key: 'serviceAddress', label: '送达地址', placeholder: `同${addressLabel}` },
      ];
  const fixed = legal
    ? `${p.name || '【名称】'}`
    : [p.name || '【姓名】', p.gender, p.birthDate && `${formatDateCn(p.birthDate)}出生`, p.idMasked && `身份证号码${maskIdNumber(p.idMasked)}`]
        .filter(Boolean)
        .join('，');
  return (
    <div className="agreement__party">
      <p className="agreement__party-head">
        <strong>
          {SIDE_LABELS[p.side]}（{ROLE_LABELS[p.role]}）：
        </strong>
        {fixed}
        {!legal && p.birthDate && <span className="small muted">（性别、出生日期由身份证号码得出）</span>}
      </p>
      <div className="agreement__fields">
        {inputs.map((i) => (
          <PartyInput key={i.key} caseId={caseId} party={p} field={i.key} label={i.label} placeholder={i.placeholder} />
        ))}
      </div>
    </div>
  );
}

function PartyInput({
  caseId,
  party,
  field,
  label,
  placeholder,
}: {
  caseId: string;
  party: PartySnapshot;
  field: PartyInputKey;
  label: string;
  placeholder?: string | undefined;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const value = party[field];
  const id = `party-${party.id}-${field}`;
  const commit = async (draft: string) => {
    const next = draft.trim() || null;
    if (next === (value ?? null)) return;
    try {
      await api.updateParticipant(caseId, party.id, { [RECORD_KEY[field]]: next });
      setProblem(null);
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : '保存失败，请重试');
    }
  };
  return (
    <label className="agreement__field" htmlFor={id} data-testid="party-field" data-field={field}>
      <span className="agreement__field-label">{label}</span>
      <DraftInput
        id={id}
        className="input"
        value={value}
        placeholder={placeholder ?? '待填写'}
        onCommit={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) e.currentTarget.blur();
        }}
      />
      {problem && (
        <span className="agreement__field-problem" role="alert">
          {problem}
        </span>
      )}
    </label>
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
      <BlockText
        conn={conn}
        target={{ section }}
        text={block.text}
        fields={block.fields}
        docFields={snapshot.fields}
        canEdit={canEdit}
        testId="section-text"
        label={SECTION_LABELS[section]}
        onFocus={onFocus}
      />
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
