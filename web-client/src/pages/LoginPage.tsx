import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';

function loginErrorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    // Other 401 codes (e.g. a deactivated account) carry their own message.
    if (e.status === 401) return e.code === 'BAD_CREDENTIALS' || e.code === 'HTTP_401' ? '账号或密码错误' : e.message;
    if (e.status === 429) {
      const secs = /(\d+)\s*秒/.exec(e.message)?.[1];
      return secs ? `登录尝试过多请稍后再试（约 ${secs} 秒后可重试）` : '登录尝试过多请稍后再试';
    }
    return e.message;
  }
  return '登录失败，请稍后再试';
}

export function LoginPage() {
  const { setUser } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('请输入账号和密码');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await api.login(username.trim(), password);
      setUser(s.user); // StaffApp redirects to the role's home page
    } catch (err) {
      setError(loginErrorMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page page--narrow login">
      <div className="login__brand">
        <h1>解纷 · 在线调解</h1>
        <p className="muted">群众不出门，手机解纠纷</p>
      </div>
      <form className="card form" onSubmit={submit} noValidate>
        <h2 className="card__title">工作人员登录</h2>
        {error && <ErrorBanner message={error} />}
        <Field label="账号" htmlFor="login-username">
          <input
            id="login-username"
            data-testid="login-username"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label="密码" htmlFor="login-password">
          <input
            id="login-password"
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <button type="submit" className="btn btn--primary btn--block" data-testid="login-submit" disabled={busy}>
          {busy ? '登录中…' : '登录'}
        </button>
      </form>
      <p className="muted small center">当事人请使用调解员发送的专属链接进入，无需登录。</p>
    </main>
  );
}
