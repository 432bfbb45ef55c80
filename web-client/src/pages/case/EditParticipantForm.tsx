// Edit a participant on the case page: name, phone and ID number (until the party has confirmed its
// identity with them), and the details the documents print. The same record feeds the agreement's
// 当事人 block, so an edit here shows in the draft at once. Refused while the agreement is locked
// for signing or signed (PARTICIPANTS_FROZEN), like every other participant change.
import { useState, type FormEvent } from 'react';
import { api, ApiError, type Participant } from '../../api.ts';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';
import { isAgreementParty } from './AddParticipantForm.tsx';
import { detailsBody, detailsDraftOf, PartyDetailsFields } from './PartyDetailsFields.tsx';
import { GUARDIAN_RELATIONSHIP_LABELS, GUARDIAN_RELATIONSHIPS, type GuardianRelationship } from '../../../../signaling/domain/party-details.ts';

interface Props {
  caseId: string;
  participant: Participant;
  onSaved(): void;
  onCancel(): void;
}

export function EditParticipantForm({ caseId, participant: p, onSaved, onCancel }: Props) {
  const notify = useToast();
  const [name, setName] = useState(p.name);
  const [phone, setPhone] = useState(p.phone);
  const [idNumber, setIdNumber] = useState('');
  const [details, setDetails] = useState(detailsDraftOf(p));
  // A 法定代理人 recorded before its relationship to the party was asked for gets it here.
  const statutory = p.role === 'AGENT' && p.agencyType === 'statutory';
  const [relationship, setRelationship] = useState<GuardianRelationship | ''>(p.guardianRelationship ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const party = isAgreementParty(p.role);
  const legal = party && details.personType === 'legal';
  const identityFixed = p.identityConfirmedAt !== null;
  const prefix = `edit-${p.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.updateParticipant(caseId, p.id, {
        ...(name.trim() !== p.name && !identityFixed ? { name: name.trim() } : {}),
        ...(phone.trim() !== p.phone ? { phone: phone.trim() } : {}),
        ...(idNumber.trim() && !identityFixed ? { idNumber: idNumber.replace(/\s/g, '').toUpperCase() } : {}),
        ...(party ? detailsBody(details) : {}),
        ...(statutory && relationship && relationship !== p.guardianRelationship ? { guardianRelationship: relationship } : {}),
      });
      notify(`已保存 ${name.trim() || p.name} 的信息`);
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '保存失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form--inset" onSubmit={submit} noValidate data-testid="participant-edit-form">
      <h3 className="subhead">修改当事人信息</h3>
      {error && <ErrorBanner message={error} />}
      <Field label={legal ? '名称' : '姓名'} htmlFor={`${prefix}-name`} required hint={identityFixed ? '已核验身份，不能修改' : undefined}>
        <input
          id={`${prefix}-name`}
          data-testid="participant-edit-name"
          maxLength={50}
          value={name}
          readOnly={identityFixed}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field label="手机号" htmlFor={`${prefix}-phone`} required>
        <input id={`${prefix}-phone`} type="tel" inputMode="tel" maxLength={20} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </Field>
      {!identityFixed && (
        <Field label={legal ? '办理人身份证号' : '身份证号'} htmlFor={`${prefix}-id`} hint={`现为 ${p.idMasked}；不修改请留空`}>
          <input
            id={`${prefix}-id`}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={18}
            value={idNumber}
            onChange={(e) => setIdNumber(e.target.value)}
          />
        </Field>
      )}
      {statutory && (
        <Field label="与当事人的关系" htmlFor={`${prefix}-guardian-relationship`} required>
          <select
            id={`${prefix}-guardian-relationship`}
            data-testid="participant-edit-guardian-relationship"
            value={relationship}
            aria-required
            onChange={(e) => setRelationship(e.target.value as GuardianRelationship | '')}
          >
            <option value="">请选择</option>
            {GUARDIAN_RELATIONSHIPS.map((r) => (
              <option key={r} value={r}>
                {GUARDIAN_RELATIONSHIP_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
      )}
      {party && <PartyDetailsFields idPrefix={prefix} draft={details} onChange={setDetails} derived={{ gender: p.gender, birthDate: p.birthDate }} />}
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={busy}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" data-testid="participant-edit-submit" disabled={busy}>
          {busy ? '保存中…' : '保存'}
        </button>
      </div>
    </form>
  );
}
