// 限时办结 on any list: how long is left before a matter's stage deadline, or how long it is overdue,
// in words and colour (green / amber within a day / red when overdue — the words say it too, so colour
// is never the only signal). It counts from the server's time (`serverNow` of the answer that
// carried `dueAt`), not the device's, and updates itself every 30 s.
import { useEffect, useMemo, useState } from 'react';
import { formatDue, readDeadline } from './deadline-format.ts';
import './deadlines.css';

interface Props {
  /** The deadline (ISO). */
  dueAt: string;
  /** The server's time when the data was read (ISO); default: this device's clock. */
  serverNow?: string;
  /** From how close (ms) it shows as due soon (default one day). */
  soonWithinMs?: number;
}

const TICK_MS = 30_000;

export function DeadlineCountdown({ dueAt, serverNow, soonWithinMs }: Props) {
  // The difference between the server's clock and this device's, fixed when the data arrived.
  const skew = useMemo(() => (serverNow ? Date.parse(serverNow) - Date.now() : 0), [serverNow]);
  const [deviceNow, setDeviceNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setDeviceNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return null;
  const { tone, text } = readDeadline(due, deviceNow + skew, soonWithinMs);
  const when = formatDue(due);
  return (
    <span className={`deadline deadline--${tone}`} data-testid="deadline-countdown" data-tone={tone} title={`办理期限：${when}`}>
      {/* Not only colour: overdue also has its mark (fonts without emoji draw ⏱ as a box: a CSS dot otherwise). */}
      {tone === 'overdue' ? (
        <span className="deadline__icon" aria-hidden="true">
          !
        </span>
      ) : (
        <span className="deadline__dot" aria-hidden="true" />
      )}
      <span className="deadline__text">{text}</span>
      <span className="sr-only">
        ，办理期限 <time dateTime={new Date(due).toISOString()}>{when}</time>
      </span>
    </span>
  );
}
