// /intake/public — for centre staff: the printable QR poster that points to /apply, and (for the
// dispatcher and the administrator) the notification outbox: what was sent — or, with the
// development providers, what would have been sent — to people following their matters. Phone
// numbers are masked and the personal links hidden: the outbox is not a way into anyone's matter.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api.ts';
import { intakePublicApi, type OutboxEntry } from '../api/intake-public.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { formatDateTime } from '../format.ts';
import { useSession } from '../session.tsx';
import './intake.css';

const STATUS: Record<string, string> = { PENDING: '待发送', SENDING: '发送中', SENT: '已发送', FAILED: '发送失败', SKIPPED: '未发送' };
const CHANNEL: Record<string, string> = { SMS: '短信', WECHAT: '微信' };

export function IntakeOutboxPage() {
  const { user } = useSession();
  const mayReadOutbox = user?.role === 'ADMIN' || user?.role === 'DISPATCHER';
  const [rows, setRows] = useState<OutboxEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setRows((await intakePublicApi.outbox()).notifications);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '加载失败');
    }
  }, []);

  useEffect(() => {
    if (mayReadOutbox) void load();
  }, [load, mayReadOutbox]);

  return (
    <main className="page">
      <h1 className="page__title">网上申请与通知</h1>
      <section className="card">
        <h2 className="card__title">申请调解二维码海报</h2>
        <p className="muted small">打印后张贴在窗口、社区公告栏、物业服务中心等处；群众扫码即可在手机上申请调解（{window.location.origin}/apply）。</p>
        <a className="btn btn--primary" href={intakePublicApi.posterUrl} download data-testid="poster-download">
          下载海报（PDF）
        </a>
      </section>
      {mayReadOutbox && (
        <section className="card" data-testid="outbox">
          <div className="card__titlebar">
            <h2 className="card__title">通知发件箱</h2>
            <button type="button" className="btn btn--small btn--outline" onClick={() => void load()}>
              刷新
            </button>
          </div>
          <p className="muted small">开发环境下短信和微信通知不会真正发出，这里显示将要发送的内容。手机号已打码，个人查询链接已隐去。</p>
          {error && <ErrorBanner message={error} onRetry={() => void load()} />}
          {rows && rows.length === 0 && <p className="muted">还没有通知。</p>}
          {rows && rows.length > 0 && (
            <table className="outbox-table">
              <thead>
                <tr>
                  <th>时间</th>
                  <th>渠道</th>
                  <th>收件人</th>
                  <th>内容</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-testid="outbox-row" data-status={r.status} data-channel={r.channel}>
                    <td>{formatDateTime(r.createdAt)}</td>
                    <td>{CHANNEL[r.channel] ?? r.channel}</td>
                    <td>{r.recipient}</td>
                    <td>{r.text}</td>
                    <td>
                      {STATUS[r.status] ?? r.status}
                      {r.error && <div className="small muted">{r.error}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </main>
  );
}
