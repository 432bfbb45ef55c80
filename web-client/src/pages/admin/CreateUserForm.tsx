import { useState, type FormEvent } from 'react';
import { api, ApiError, type ManagedUser, type Role } from '../../api.ts';
import { USER_ROLES } from '../../labels.ts';
import { useToast } from '../../toast.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Field } from '../../components/Field.tsx';

const EMPTY = { username: '', displayName: '', password: '' };

export function CreateUserForm({ onCreated }: { onCreated(u: ManagedUser): void }) {
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<Role>('MEDIATOR');
  const [f, setF] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" className="btn btn--primary" data-testid="user-new" onClick={() => setOpen(true)}>
        ＋ 新建用户
      </button>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.username.trim() || !f.displayName.trim() || !f.password) return setError('请填写完整信息');
    setBusy(true);
    setError(null);
    try {
      const u = await api.createUser({ username: f.username.trim(), displayName: f.displayName.trim(), role, password: f.password });
      notify(`已创建用户 ${u.displayName}`);
      setF(EMPTY);
      setOpen(false);
      onCreated(u);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '创建失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form form--inset" onSubmit={submit} noValidate data-testid="user-form">
      <h3 className="subhead">新建用户</h3>
      {error && <ErrorBanner message={error} />}
      <Field label="角色" htmlFor="user-role" required>
        <select id="user-role" data-testid="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {USER_ROLES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="账号" htmlFor="user-username" required>
        <input
          id="user-username"
          data-testid="user-username"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          value={f.username}
          onChange={(e) => setF({ ...f, username: e.target.value })}
        />
      </Field>
      <Field label="姓名" htmlFor="user-display-name" required>
        <input
          id="user-display-name"
          data-testid="user-display-name"
          autoComplete="off"
          value={f.displayName}
          onChange={(e) => setF({ ...f, displayName: e.target.value })}
        />
      </Field>
      <Field label="初始密码" htmlFor="user-password" required hint="至少 10 个字符，请通过线下方式告知本人；本人首次登录时须修改">
        <input
          id="user-password"
          data-testid="user-password"
          type="password"
          autoComplete="new-password"
          value={f.password}
          onChange={(e) => setF({ ...f, password: e.target.value })}
        />
      </Field>
      <div className="form__actions">
        <button type="button" className="btn btn--ghost" onClick={() => setOpen(false)} disabled={busy}>
          取消
        </button>
        <button type="submit" className="btn btn--primary" data-testid="user-submit" disabled={busy}>
          {busy ? '提交中…' : '创建'}
        </button>
      </div>
    </form>
  );
}
