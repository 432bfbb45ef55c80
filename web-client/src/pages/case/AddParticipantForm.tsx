import { useState, type FormEvent } from 'react';
import { api, ApiError, type AgencyType, type ParticipantRole, type Side } from '../../api.ts';
import { GUARDIAN_RELATIONSHIP_LABELS, GUARDIAN_RELATIONSHIPS, type GuardianRelationship } from '../../../../signaling/domain/party-details.ts';
import { defaultSideFor, FALLBACK_META } from '../../labels.ts';
import { useMeta } from '../../meta.tsx';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';
import { detailsBody, EMPTY_DETAILS, PartyDetailsFields } from './PartyDetailsFields.tsx';

interface Props {
  caseId: string;
  onAdded(): void;
}

const EMPTY = { name: '', phone: '', idNumber: '' };

/** Roles that are parties to the agreement: their details are printed in it. */
export const isAgreementParty = (role: string) => role === 'APPLICANT' || role === 'RESPONDENT';

/** Add a party; format validation (phone, ID number, address, credit code) is the server's job. */
export function AddParticipantForm({ caseId, onAdded }: Props) {
  const { meta } = useMeta();
  const notify = useToast();
  const roles = meta?.participantRoles?.length ? meta.participantRoles : FALLBACK_META.participantRoles;
  const sides = meta?.sides?.length ? meta.sides : FALLBACK_META.sides;

  const [role, setRole] = useState<ParticipantRole>('APPLICANT');
  const [side, setSide] = useState<Side>('A');
  const [fields, setFields] = useState(EMPTY);
  const [details, setDetails] = useState(EMPTY_DETAILS);
  const [agencyType, setAgencyType] = useState<AgencyType>('entrusted');
  const [relationship, setRelationship] = useState<GuardianRelationship | ''>('');
  const statutory = role === 'AGENT' && agencyType === 'statutory';
  const party = isAgreementParty(role);
  const legal = party && details.personType === 'legal';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const set = (k: keyof typeof EMPTY) => (v: string) => setFields((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = fields.name.trim();
    const phone = fields.phone.replace(/[\s-]/g, '');
    const idNumber = fields.idNumber.replace(/\s/g, '').toUpperCase();
    if (!name) return setError(legal ? '请填写名称' : '请填写姓名');
    if (!phone) return setError('请填写手机号');
    if (!idNumber) return setError('请填写身份证号');
    if (statutory && !relationship) return setError('请选择法定代理人与当事人的关系');
    setBusy(true);
    setError(null);
    try {
      const p = await api.addParticipant(caseId, {
        role,
        side,
        name,
        phone,
        idNumber,
        ...(party ? detailsBody(details) : {}),
        ...(role === 'AGENT' ? { agencyType } : {}),
        ...(statutory && relationship ? { guardianRelationship: relationship } : {}),
      });
      notify(`已添加 ${p.name}`);
      setFields(EMPTY);
      setDetails(EMPTY_DETAILS);
      setRelationship('');
      // Next party is usually the other side.
      if (role === 'APPLICANT') {
        setRole('RESPONDENT');
        setSide('B');
      }
      onAdded();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '添加失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form--inset" onSubmit={submit} noValidate data-testid="participant-form">
      <h3 className="subhead">添加当事人</h3>
      {error && <ErrorBanner message={error} />}
      <div className="form__pair">
        <Field label="身份" htmlFor="participant-role" required>
          <select
            id="participant-role"
            data-testid="participant-role"
            value={role}
            onChange={(e) => {
              const r = e.target.value as ParticipantRole;
              setRole(r);
              setSide(defaultSideFor(r));
            }}
          >
            {roles.map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="所属方" htmlFor="participant-side" required>
          <select id="participant-side" data-testid="participant-side" value={side} onChange={(e) => setSide(e.target.value as Side)}>
            {sides.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={legal ? '名称' : '姓名'} htmlFor="participant-name" required hint={legal ? '与营业执照一致的全称' : undefined}>
        <input
          id="participant-name"
          data-testid="participant-name"
          autoComplete="off"
          maxLength={50}
          value={fields.name}
          onChange={(e) => set('name')(e.target.value)}
        />
      </Field>
      <Field label="手机号" htmlFor="participant-phone" required>
        <input
          id="participant-phone"
          data-testid="participant-phone"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          maxLength={20}
          value={fields.phone}
          onChange={(e) => set('phone')(e.target.value)}
        />
      </Field>
      <Field
        label={legal ? '办理人身份证号' : '身份证号'}
        htmlFor="participant-id"
        required
        hint={legal ? '法定代表人或受托办理人的身份证号，仅用于核验身份，不写入文书；保存后仅显示脱敏号码' : '保存后页面仅显示脱敏号码'}
      >
        <input
          id="participant-id"
          data-testid="participant-id"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={18}
          value={fields.idNumber}
          onChange={(e) => set('idNumber')(e.target.value)}
        />
      </Field>
      {role === 'AGENT' && (
        <Field
          label="代理类型"
          htmlFor="participant-agency"
          required
          hint={agencyType === 'statutory' ? '未成年当事人的父母等监护人，依法代为签署，无需授权委托书' : '代为签署调解协议须上传载明特别授权的授权委托书'}
        >
          <select id="participant-agency" data-testid="participant-agency" value={agencyType} onChange={(e) => setAgencyType(e.target.value as AgencyType)}>
            <option value="entrusted">委托代理人</option>
            <option value="statutory">法定代理人</option>
          </select>
        </Field>
      )}
      {statutory && (
        <Field label="与当事人的关系" htmlFor="participant-guardian-relationship" required hint="写入调解协议书当事人信息：法定代理人某某，系某某的父亲">
          <select
            id="participant-guardian-relationship"
            data-testid="participant-guardian-relationship"
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
      {party && <PartyDetailsFields idPrefix="participant" draft={details} onChange={setDetails} />}
      <button type="submit" className="btn btn--primary btn--block" data-testid="participant-submit" disabled={busy}>
        {busy ? '提交中…' : '添加'}
      </button>
    </form>
  );
}
