import { useState, type ReactNode } from 'react';
import { Link, usePath } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useMeta } from '../meta.tsx';

/** Staff page frame: top bar with product name, navigation (账号 → 修改密码 for every role) and logout. */
export function AppShell({ children }: { children: ReactNode }) {
  const { user, logout } = useSession();
  const { labels } = useMeta();
  const path = usePath();
  const [busy, setBusy] = useState(false);

  const nav: { to: string; label: string; testId?: string }[] = [];
  // Until a password someone else set is changed, the account page is the only place to go.
  const open = user !== null && !user.mustChangePassword;
  if (open && (user.role === 'MEDIATOR' || user.role === 'ADMIN')) nav.push({ to: '/', label: '案件' });
  if (open && user.role === 'JUDGE') nav.push({ to: '/', label: '工作台' });
  if (open && user.role !== 'JUDGE' && user.role !== 'ADMIN') nav.push({ to: '/deadlines', label: '限时办结', testId: 'nav-deadlines' });
  if (open && user.role === 'ADMIN') nav.push({ to: '/admin', label: '系统管理' });
  if (open && user.role === 'DISPATCHER') nav.push({ to: '/routing', label: '分流', testId: 'nav-routing' });
  if (open && user.role === 'UNIT_HEAD') nav.push({ to: '/unit/inbox', label: '本单位待办', testId: 'nav-unit-inbox' });
  if (open && user.role !== 'JUDGE' && user.role !== 'GRID_WORKER') nav.push({ to: '/followup', label: '回访', testId: 'nav-followup' });
  if (open && (user.role === 'DISPATCHER' || user.role === 'UNIT_HEAD')) nav.push({ to: '/intake/import', label: '批量导入', testId: 'nav-import' });
  if (open && ['ADMIN', 'DISPATCHER', 'UNIT_HEAD', 'MEDIATOR'].includes(user.role)) nav.push({ to: '/dashboard', label: '统计分析', testId: 'nav-dashboard' });
  if (user) nav.push({ to: '/account', label: '账号', testId: 'nav-account' });

  const isActive = (to: string) => (to === '/' ? path === '/' || path.startsWith('/cases/') : path.startsWith(to));

  return (
    <div className="shell">
      <header className="topbar">
        <Link to={user?.role === 'ADMIN' ? '/admin' : '/'} className="topbar__brand">
          解纷<span className="topbar__sub">在线调解</span>
        </Link>
        <nav className="topbar__nav" aria-label="主导航">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} className={`topbar__link${isActive(n.to) ? ' is-active' : ''}`} data-testid={n.testId}>
              {n.label}
            </Link>
          ))}
        </nav>
        {user && (
          <div className="topbar__user">
            <span className="topbar__name" data-testid="current-user">
              {user.displayName}
              <span className="topbar__role">{labels.userRole(user.role)}</span>
            </span>
            <button
              type="button"
              className="btn btn--small btn--ghost-light"
              data-testid="logout-button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await logout();
                } finally {
                  setBusy(false);
                }
              }}
            >
              退出
            </button>
          </div>
        )}
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
