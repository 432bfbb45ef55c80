import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type ManagedUser } from '../../api.ts';
import { formatDate } from '../../format.ts';
import { useMeta } from '../../meta.tsx';
import { useSession } from '../../session.tsx';
import { useToast } from '../../toast.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { CreateUserForm } from './CreateUserForm.tsx';

export function UsersSection() {
  const { labels } = useMeta();
  const { user: me } = useSession();
  const notify = useToast();
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [toggling, setToggling] = useState<ManagedUser | null>(null);
  const [busy, setBusy] = useState(false);
  const [toggleError, setToggleError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await api.users());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '用户列表加载失败');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const toggle = async () => {
    if (!toggling) return;
    setBusy(true);
    setToggleError(null);
    try {
      const u = await api.updateUser(toggling.id, { active: !toggling.active });
      setUsers((list) => list?.map((x) => (x.id === u.id ? u : x)) ?? null);
      notify(u.active ? `已启用 ${u.displayName}` : `已停用 ${u.displayName}`);
      setToggling(null);
    } catch (e) {
      setToggleError(e instanceof ApiError ? e.message : '操作失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 className="card__title" id="users-title">
        用户管理
      </h2>
      <CreateUserForm onCreated={(u) => setUsers((list) => (list ? [...list, u] : [u]))} />
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!users && !error && <Loading />}
      {users && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>账号</th>
                <th>姓名</th>
                <th>角色</th>
                <th>状态</th>
                <th>创建时间</th>
                <th>
                  <span className="sr-only">操作</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-testid="user-row" data-username={u.username} className={u.active ? '' : 'is-inactive'}>
                  <td data-label="账号" className="mono">
                    {u.username}
                  </td>
                  <td data-label="姓名">{u.displayName}</td>
                  <td data-label="角色">{labels.userRole(u.role)}</td>
                  <td data-label="状态">
                    <span className={`badge badge--${u.active ? 'green' : 'grey'}`}>{u.active ? '正常' : '已停用'}</span>
                    {u.active && u.mustChangePassword && (
                      <span className="badge badge--amber" data-testid="user-must-change-password">
                        待修改初始密码
                      </span>
                    )}
                  </td>
                  <td data-label="创建时间">{formatDate(u.createdAt)}</td>
                  <td className="table__actions">
                    {u.id !== me?.id && (
                      <button
                        type="button"
                        className={`btn btn--small ${u.active ? 'btn--danger-outline' : 'btn--outline'}`}
                        data-testid={u.active ? 'user-deactivate' : 'user-activate'}
                        onClick={() => {
                          setToggleError(null);
                          setToggling(u);
                        }}
                      >
                        {u.active ? '停用' : '启用'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {toggling && (
        <ConfirmDialog
          title={`${toggling.active ? '停用' : '启用'}用户「${toggling.displayName}」？`}
          confirmText={toggling.active ? '停用' : '启用'}
          danger={toggling.active}
          busy={busy}
          error={toggleError}
          onConfirm={toggle}
          onCancel={() => setToggling(null)}
        >
          <p className="muted">{toggling.active ? '停用后该账号将无法登录。' : '启用后该账号可再次登录。'}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
