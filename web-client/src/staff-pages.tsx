// The staff pages inside the app shell, one chunk loaded after login: a party's phone never
// downloads them. Which page a path shows, and who may see it.
import { lazy, Suspense } from 'react';
import type { User } from './api.ts';
import { Loading } from './components/Loading.tsx';
import { matchRoute } from './route-match.ts';
import { CaseListPage } from './pages/CaseListPage.tsx';
import { CasePage } from './pages/case/CasePage.tsx';
import { AdminPage } from './pages/admin/AdminPage.tsx';
import { JudgeHome } from './pages/JudgeHome.tsx';
import { JudgeReviewPage } from './judicial/JudgeReviewPage.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { DeadlinesPage } from './intake/DeadlinesPage.tsx';
import { IntakeOutboxPage } from './intake/IntakeOutboxPage.tsx';
import { ImportPage } from './intake/ImportPage.tsx';
import { RoutingQueuePage } from './pages/routing/RoutingQueuePage.tsx';
import { UnitInboxPage } from './pages/routing/UnitInboxPage.tsx';
import { MatterPage } from './pages/routing/MatterPage.tsx';
import { DeskRegisterPage, GridReportPage } from './pages/intake/IntakeForms.tsx';
import { FollowUpTasksPage } from './followup/FollowUpTasksPage.tsx';
import { FollowUpTaskPage } from './followup/FollowUpTaskPage.tsx';

/** #16 回访: unit staff (their unit) and the centre's staff (every unit). */
const FOLLOW_UP_ROLES: readonly User['role'][] = ['ADMIN', 'MEDIATOR', 'DISPATCHER', 'UNIT_HEAD'];

// 统计分析 with its charts: a chunk of its own (echarts loads only there).
const DashboardPage = lazy(() => import('./followup/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const DASHBOARD_ROLES: readonly string[] = ['ADMIN', 'DISPATCHER', 'UNIT_HEAD', 'MEDIATOR'];

const StaffAgreementPage = lazy(() => import('./agreement/entry.tsx').then((m) => ({ default: m.StaffAgreementPage })));

/** The staff member's own account: 修改密码. */
const ACCOUNT = '/account';

export function StaffPages({ path, user }: { path: string; user: User }) {
  return staffRoute(path, user);
}

function staffRoute(path: string, user: User) {
  if (path === ACCOUNT || path === `${ACCOUNT}/`) return <AccountPage />;
  if (path === '/deadlines' || path === '/deadlines/') return <DeadlinesPage />;
  if (path === '/dashboard' || path === '/dashboard/') {
    if (!DASHBOARD_ROLES.includes(user.role)) return <NotFound message="仅综治中心和成员单位的工作人员可以查看统计分析" />;
    return (
      <Suspense fallback={<Loading text="正在打开统计分析…" />}>
        <DashboardPage />
      </Suspense>
    );
  }
  if (path === '/' || path === '') return user.role === 'JUDGE' ? <JudgeHome /> : <CaseListPage />;
  const agreement = matchRoute('/cases/:id/agreement', path);
  if (agreement?.id) {
    return (
      <Suspense fallback={<Loading text="正在打开协议草稿…" />}>
        <StaffAgreementPage key={agreement.id} caseId={agreement.id} />
      </Suspense>
    );
  }
  if (path === '/intake/public') return <IntakeOutboxPage />;
  const c = matchRoute('/cases/:id', path);
  if (c?.id) return <CasePage key={c.id} caseId={c.id} />;
  const review = matchRoute('/judge/applications/:id', path);
  if (review?.id) return user.role === 'JUDGE' ? <JudgeReviewPage key={review.id} id={review.id} /> : <NotFound message="仅法官可访问此页面" />;
  // #15 intake: 来访/来电登记 (dispatchers) and 随手记 (grid workers).
  if (path === '/intake/desk') return user.role === 'DISPATCHER' ? <DeskRegisterPage /> : <NotFound message="仅中心受理员可访问此页面" />;
  if (path === '/intake/import')
    return user.role === 'DISPATCHER' || user.role === 'UNIT_HEAD' ? <ImportPage /> : <NotFound message="仅中心受理员或单位负责人可以批量导入" />;
  if (path === '/intake/grid') return user.role === 'GRID_WORKER' ? <GridReportPage /> : <NotFound message="仅网格员可访问此页面" />;
  if (path === '/admin' || path === '/admin/') {
    return user.role === 'ADMIN' ? <AdminPage /> : <NotFound message="仅管理员可访问此页面" />;
  }
  // 分流 (intake item 3): the dispatcher's queue, a unit head's inbox, one matter.
  if (path === '/routing') return user.role === 'DISPATCHER' ? <RoutingQueuePage /> : <NotFound message="仅中心受理员可访问此页面" />;
  if (path === '/unit/inbox') return user.role === 'UNIT_HEAD' ? <UnitInboxPage /> : <NotFound message="仅单位负责人可访问此页面" />;
  if (path === '/followup' || path === '/followup/')
    return FOLLOW_UP_ROLES.includes(user.role) ? <FollowUpTasksPage /> : <NotFound message="您的账号无权查看回访" />;
  const followUpTask = matchRoute('/followup/:id', path);
  if (followUpTask?.id)
    return FOLLOW_UP_ROLES.includes(user.role) ? (
      <FollowUpTaskPage key={followUpTask.id} taskId={followUpTask.id} />
    ) : (
      <NotFound message="您的账号无权查看回访" />
    );
  const matter = matchRoute('/matters/:id', path);
  if (matter?.id) return <MatterPage key={matter.id} matterId={matter.id} />;
  return <NotFound />;
}
