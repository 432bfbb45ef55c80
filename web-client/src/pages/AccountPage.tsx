// /account — the logged-in staff member's own account: who they are, and 修改密码. A user whose
// password someone else set (the first-start administrator, an account an administrator created
// or reset) is sent here first and can do nothing else until it is changed.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { useMeta } from '../meta.tsx';
import { navigate } from '../router.tsx';
import { homeFor, useSession } from '../session.tsx';
import { useToast } from '../toast.tsx';

const MIN_LENGTH = 10;
const EMPTY = { current: '', next: '', repeat: '' };

export function AccountPage() {
  const { user, setUser } = useSession();
  const { labels } = useMeta();
  const notify = useToast();
  const [f, setF] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!user) return null;
  const required = user.mustChangePassword;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!f.current || !f.next) return setError('请填写当前密码和新密码');
    if ([...f.next].length < MIN_LENGTH) return setError(`新密码至少需要 ${MIN_LENGTH} 个字符`);
    if (f.next !== f.repeat) return setError('两次输入的新密码不一致');
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(f.current, f.next);
      setF(EMPTY);
      notify('密码已修改，您在其他设备上的登录已退出', 'success');
      setUser({ ...user, mustChangePassword: false });
      if (required) navigate(homeFor(user.role), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '修改失败，请稍后再试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page--narrow" data-testid="account-page">
      <section className="card" aria-labelledby="account-title">
        <h2 className="card__title" id="account-title">
          账号
        </h2>
        <p className="small">
          {user.displayName}（<span className="mono">{user.username}</span>）· {labels.userRole(user.role)}
        </p>
      </section>
      <form className="card form" onSubmit={submit} noValidate aria-labelledby="password-title" data-testid="password-form" data-required={required}>
        <h2 className="card__title" id="password-title">
          修改密码
        </h2>
        {required && (
          <p className="small" role="status" data-testid="password-change-required">
            您的密码是他人为您设置的初始密码。为保障账号安全，请先修改密码，修改后才能继续使用。
          </p>
        )}
        {error && <ErrorBanner message={error} />}
        <Field label="当前密码" htmlFor="password-current" required>
          <input
            id="password-current"
            data-testid="password-current"
            type="password"
            autoComplete="current-password"
            value={f.current}
            onChange={(e) => setF({ ...f, current: e.target.value })}
          />
        </Field>
        <Field label="新密码" htmlFor="password-new" required hint={`至少 ${MIN_LENGTH} 个字符，包含字母、数字、符号中的至少两类，不能包含用户名`}>
          <input
            id="password-new"
            data-testid="password-new"
            type="password"
            autoComplete="new-password"
            value={f.next}
            onChange={(e) => setF({ ...f, next: e.target.value })}
          />
        </Field>
        <Field label="再次输入新密码" htmlFor="password-repeat" required>
          <input
            id="password-repeat"
            data-testid="password-repeat"
            type="password"
            autoComplete="new-password"
            value={f.repeat}
            onChange={(e) => setF({ ...f, repeat: e.target.value })}
          />
        </Field>
        <p className="small muted">修改后，您在其他设备或浏览器上的登录将退出。</p>
        <button type="submit" className="btn btn--primary btn--block" data-testid="password-submit" disabled={busy}>
          {busy ? '正在修改…' : '修改密码'}
        </button>
      </form>
    </div>
  );
}
