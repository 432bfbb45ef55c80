// 履行 on screen, shared by the party's link page and the mediator's case page: the status chip, the
// amounts, the events of an obligation. Labels come from signaling/domain/performance-status.ts.
import type { ObligationView } from '../api/performance.ts';
import { formatDateTime } from '../format.ts';
import { formatAmount } from '../../../signaling/agreement/money.ts';
import {
  OBLIGATION_EVENT_LABELS,
  PERFORMANCE_STATUS_LABELS,
  type ObligationEventType,
  type PerformanceStatus,
} from '../../../signaling/domain/performance-status.ts';

const TONE: Record<PerformanceStatus, 'blue' | 'green' | 'amber' | 'red'> = { NOT_DUE: 'blue', PERFORMED: 'green', PARTIAL: 'amber', OVERDUE: 'red' };

export function PerformanceChip({ status }: { status: PerformanceStatus }) {
  return (
    <span className={`badge badge--${TONE[status]}`} data-testid="obligation-status" data-status={status}>
      {PERFORMANCE_STATUS_LABELS[status]}
    </span>
  );
}

export const yuan = (fen: number | null) => (fen === null ? '—' : formatAmount(fen));

/** 25,000.00元 → "25000.00" for a form field. */
export const fenToInput = (fen: number | null) => (fen === null ? '' : (fen / 100).toFixed(2));

/** What is owed and what was received, in one line. */
export function amountLine(o: ObligationView): string {
  if (o.amountFen === null) return '履行行为';
  return o.receivedFen > 0 ? `${yuan(o.amountFen)}（已收到 ${yuan(o.receivedFen)}）` : yuan(o.amountFen);
}

export function ObligationEvents({ o, onFile }: { o: ObligationView; onFile?: (eventId: number, name: string) => void }) {
  if (o.events.length === 0) return null;
  return (
    <ul className="perf-events" aria-label={`第${o.seq}项的履行记录`} data-testid="obligation-events">
      {o.events.map((e) => (
        <li key={e.id} data-type={e.type}>
          <span className="muted small">{formatDateTime(e.at)}</span> {OBLIGATION_EVENT_LABELS[e.type as ObligationEventType]}
          {e.by !== '系统' ? `（${e.by}）` : ''}
          {e.amountFen !== null && e.type !== 'REMIND_OBLIGOR' && e.type !== 'REMIND_OBLIGEE' && e.type !== 'OVERDUE' ? `：${yuan(e.amountFen)}` : ''}
          {(e.type === 'REMIND_OBLIGOR' || e.type === 'OVERDUE') && e.amountFen !== null ? `：待履行 ${yuan(e.amountFen)}` : ''}
          {e.note ? ` · ${e.note}` : ''}
          {e.file && onFile && (
            <>
              {' '}
              <button type="button" className="btn btn--ghost btn--small" onClick={() => onFile(e.id, e.file!.name)}>
                查看{e.type === 'PROOF_UPLOADED' ? '凭证' : '签名'}
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
