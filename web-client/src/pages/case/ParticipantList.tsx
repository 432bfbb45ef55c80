import { useState } from 'react';
import { api, ApiError, type CaseDetail, type CreatedInvitation, type Participant } from '../../api.ts';
import { formatDateCn } from '../../../../signaling/agreement/dates.ts';
import { GUARDIAN_RELATIONSHIP_LABELS } from '../../../../signaling/domain/party-details.ts';
import { formatDateTime } from '../../format.ts';
import { useMeta } from '../../meta.tsx';
import { useToast } from '../../toast.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { InviteCreator } from './InviteCreator.tsx';
import { EditParticipantForm } from './EditParticipantForm.tsx';
import { PartyFiles } from './PartyFiles.tsx';

interface Props {
  kase: CaseDetail;
  created: Record<string, CreatedInvitation>;
  /** Participants holding a working link (a new one replaces it). */
  linkHolders: ReadonlySet<string>;
  onCreatedInvitation(inv: CreatedInvitation): void;
  onChanged(): void;
  /** Invite and remove (the case's mediator only). */
  canManage: boolean;
}

export function ParticipantList({ kase, created, linkHolders, onCreatedInvitation, onChanged, canManage }: Props) {
  if (kase.participants.length === 0) {
    return (
      <p className="empty-inline" data-testid="participants-empty">
        尚未添加当事人。请在下方添加申请人、被申请人等。
      </p>
    );
  }
  return (
    <ul className="participants">
      {kase.participants.map((p) => (
        <ParticipantRow
          key={p.id}
          caseId={kase.id}
          participant={p}
          created={created[p.id]}
          hasActiveLink={linkHolders.has(p.id)}
          onCreatedInvitation={onCreatedInvitation}
          onRemoved={onChanged}
          onSaved={onChanged}
          canManage={canManage}
        />
      ))}
    </ul>
  );
}

interface RowProps {
  caseId: string;
  participant: Participant;
  created: CreatedInvitation | undefined;
  hasActiveLink: boolean;
  onCreatedInvitation(inv: CreatedInvitation): void;
  onRemoved(): void;
  onSaved(): void;
  canManage: boolean;
}

function ParticipantRow({ caseId, participant: p, created, hasActiveLink, onCreatedInvitation, onRemoved, onSaved, canManage }: RowProps) {
  const { labels } = useMeta();
  const notify = useToast();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.removeParticipant(caseId, p.id);
      setConfirming(false);
      notify(`已移除 ${p.name}`);
      onRemoved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '移除失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="participant" data-testid="participant-row" data-participant-id={p.id}>
      <div className="participant__head">
        <span className={`side side--${p.side.toLowerCase()}`}>{labels.side(p.side)}</span>
        <span className="participant__role" data-testid="participant-role-text">
          {p.role === 'AGENT' && p.agencyType === 'statutory'
            ? `法定代理人${p.guardianRelationship ? `（${GUARDIAN_RELATIONSHIP_LABELS[p.guardianRelationship]}）` : '（未登记与当事人的关系）'}`
            : labels.participantRole(p.role)}
        </span>
        <strong className="participant__name" data-testid="participant-name-text">
          {p.name}
        </strong>
      </div>
      <dl className="facts facts--compact">
        <div>
          <dt>手机号</dt>
          <dd>
            <a href={`tel:${p.phone}`}>{p.phone}</a>
          </dd>
        </div>
        <div>
          <dt>{p.personType === 'legal' ? '办理人身份证号' : '身份证号'}</dt>
          <dd className="mono" data-testid="participant-id-masked">
            {p.idMasked}
          </dd>
        </div>
        <PartyFacts p={p} />
      </dl>
      <div className="participant__badges">
        {p.identityConfirmedAt ? (
          <span className="badge badge--green" data-testid="badge-identity" title={formatDateTime(p.identityConfirmedAt)}>
            身份已核验
          </span>
        ) : (
          <span className="badge badge--grey">身份未核验</span>
        )}
        {p.consentAt ? (
          <span className="badge badge--green" data-testid="badge-consent" title={formatDateTime(p.consentAt)}>
            已同意在线调解
          </span>
        ) : (
          <span className="badge badge--grey">未同意在线调解</span>
        )}
        {p.minor && (
          <span className="badge badge--amber" data-testid="badge-minor">
            未成年人：由法定代理人签署
          </span>
        )}
      </div>
      {canManage && (
        <>
          <InviteCreator caseId={caseId} participant={p} created={created} hasActiveLink={hasActiveLink} onCreated={onCreatedInvitation} />
          <PartyFiles caseId={caseId} participant={p} onChanged={onSaved} />
          <div className="participant__more">
            <button type="button" className="btn btn--small btn--ghost" onClick={() => setEditing(true)} data-testid="participant-edit">
              修改信息
            </button>
            <button type="button" className="btn btn--small btn--ghost danger-text" onClick={() => setConfirming(true)} data-testid="participant-remove">
              移除
            </button>
          </div>
        </>
      )}
      {editing && (
        <EditParticipantForm
          caseId={caseId}
          participant={p}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onSaved();
          }}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={`确认移除${labels.participantRole(p.role)}「${p.name}」？`}
          confirmText="移除"
          danger
          busy={busy}
          error={error}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
        >
          <p className="muted">移除后其邀请链接将无法继续使用。</p>
        </ConfirmDialog>
      )}
      {error && !confirming && <ErrorBanner message={error} onClose={() => setError(null)} />}
    </li>
  );
}

/** What the documents will print about the party, and what is still missing. */
function PartyFacts({ p }: { p: Participant }) {
  if (p.role !== 'APPLICANT' && p.role !== 'RESPONDENT') return null;
  const legal = p.personType === 'legal';
  const rows: Array<[string, string | null, string]> = legal
    ? [
        ['统一社会信用代码', p.creditCode, 'credit-code'],
        [
          '法定代表人（负责人）',
          p.representative && (p.representativeTitle ? `${p.representative}（${p.representativeTitle}）` : p.representative),
          'representative',
        ],
        ['住所地', p.address, 'address'],
      ]
    : [
        ['性别、出生日期', p.birthDate && `${p.gender}，${formatDateCn(p.birthDate)}（由身份证号码得出）`, 'birth'],
        ['民族', p.ethnicity, 'ethnicity'],
        ['住所', p.address, 'address'],
      ];
  rows.push(['送达地址', p.serviceAddress ?? (p.address ? `同${legal ? '住所地' : '住所'}` : null), 'service-address']);
  return (
    <>
      {rows.map(([label, value, key]) => (
        <div key={key}>
          <dt>{label}</dt>
          <dd data-testid={`participant-${key}-text`} className={value ? undefined : 'muted'}>
            {value ?? '未填写'}
          </dd>
        </div>
      ))}
    </>
  );
}
