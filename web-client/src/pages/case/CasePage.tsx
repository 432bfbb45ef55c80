import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type CaseDetail, type CreatedInvitation } from '../../api.ts';
import { Link } from '../../router.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { CaseHeader } from './CaseHeader.tsx';
import { TransitionBar } from './TransitionBar.tsx';
import { ParticipantList } from './ParticipantList.tsx';
import { AddParticipantForm } from './AddParticipantForm.tsx';
import { InvitationList } from './InvitationList.tsx';
import { AuditTrail } from './AuditTrail.tsx';
import { StaffSigningCard } from '../../signing/StaffSigningCard.tsx';
import { CoMediatorCard } from './CoMediatorCard.tsx';
import { may } from '../../../../signaling/access/grants.ts';
import { StaffJudicialCard } from '../../judicial/StaffJudicialCard.tsx';
import { StaffProcedureCard } from './StaffProcedureCard.tsx';
import { StaffPerformanceCard } from '../../followup/StaffPerformanceCard.tsx';
import { DossierCard } from '../../followup/DossierCard.tsx';
import { CaseRatingsCard } from '../../followup/CaseRatingsCard.tsx';

export function CasePage({ caseId }: { caseId: string }) {
  const [kase, setKase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped after every mutation so invitation list and audit trail refresh.
  const [version, setVersion] = useState(0);
  // Invitation URLs are only returned at creation: keep them for this visit.
  const [created, setCreated] = useState<Record<string, CreatedInvitation>>({});
  // Participants who hold a working link: 重新生成链接 will revoke it.
  const [linkHolders, setLinkHolders] = useState<ReadonlySet<string>>(new Set());

  const load = useCallback(async () => {
    try {
      setKase(await api.getCase(caseId));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '案件加载失败');
    }
  }, [caseId]);

  useEffect(() => {
    void load();
  }, [load]);

  const changed = useCallback(
    (next?: CaseDetail) => {
      if (next) setKase(next);
      else void load();
      setVersion((v) => v + 1);
    },
    [load],
  );

  const back = (
    <Link to="/" className="back-link">
      ‹ 返回案件列表
    </Link>
  );

  if (!kase) {
    return (
      <>
        {back}
        {error ? <ErrorBanner message={error} onRetry={load} /> : <Loading text="正在加载案件…" />}
      </>
    );
  }

  // What this viewer may do here, from the same grants table the server enforces.
  const role = kase.viewerRole;
  return (
    <div className="case-page" data-testid="case-page" data-case-id={kase.id}>
      {back}
      {error && <ErrorBanner message={error} onRetry={load} />}
      <CaseHeader kase={kase} />
      {may(role, 'room.join') && (
        <section className="card room-entry" aria-labelledby="room-entry-title">
          <div className="room-entry__text">
            <h2 className="card__title" id="room-entry-title">
              在线调解室
            </h2>
            <p className="muted small">进入后当事人在等候区等待，由您准许进入；可静音、关闭摄像头或移出参与人。</p>
          </div>
          <Link to={`/cases/${encodeURIComponent(kase.id)}/room`} className="btn btn--primary btn--large" data-testid="enter-room">
            进入调解室
          </Link>
        </section>
      )}
      {may(role, 'draft.read') && (
        <section className="card room-entry" aria-labelledby="agreement-entry-title">
          <div className="room-entry__text">
            <h2 className="card__title" id="agreement-entry-title">
              调解协议书
            </h2>
            <p className="muted small">
              {may(role, 'draft.edit')
                ? '与当事人共同起草协议：多人同时编辑、当事人提出修改建议、完整性检查和版本记录。'
                : '查看协议草稿及其版本记录（只读）。'}
            </p>
          </div>
          <Link to={`/cases/${encodeURIComponent(kase.id)}/agreement`} className="btn btn--outline btn--large" data-testid="open-agreement">
            {may(role, 'draft.edit') ? '起草协议书' : '查看协议书'}
          </Link>
        </section>
      )}
      {may(role, 'signing.read') && (
        <StaffSigningCard
          caseId={kase.id}
          caseStatus={kase.status}
          participants={kase.participants}
          onChanged={changed}
          canManage={may(role, 'signing.manage')}
        />
      )}
      <CoMediatorCard kase={kase} canManage={may(role, 'case.staff')} onChanged={changed} />
      {may(role, 'judicial.read') && <StaffJudicialCard caseId={kase.id} caseStatus={kase.status} />}
      {may(role, 'performance.read') && <StaffPerformanceCard caseId={kase.id} caseStatus={kase.status} canManage={may(role, 'performance.manage')} />}
      <StaffProcedureCard caseId={kase.id} caseNumber={kase.number} role={role} version={version} onChanged={changed} />
      <CaseRatingsCard caseId={kase.id} />
      <TransitionBar kase={kase} onChanged={changed} />
      <DossierCard caseId={kase.id} version={version} onArchived={() => changed()} />
      <section className="card" aria-labelledby="participants-title">
        <h2 className="card__title" id="participants-title">
          当事人及参与人
        </h2>
        <ParticipantList
          kase={kase}
          created={created}
          linkHolders={linkHolders}
          onCreatedInvitation={(inv) => {
            setCreated((m) => ({ ...m, [inv.participantId]: inv }));
            setVersion((v) => v + 1);
          }}
          onChanged={() => changed()}
          canManage={may(role, 'case.participants')}
        />
        {may(role, 'case.participants') && <AddParticipantForm caseId={kase.id} onAdded={() => changed()} />}
      </section>
      {may(role, 'case.invitations') && (
        <InvitationList caseId={kase.id} version={version} onChanged={() => setVersion((v) => v + 1)} onActiveHolders={setLinkHolders} />
      )}
      <AuditTrail caseId={kase.id} version={version} />
    </div>
  );
}
