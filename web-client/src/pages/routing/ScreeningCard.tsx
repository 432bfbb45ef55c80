// A matter's screening as the dispatcher sees it (GET /api/intake/matters/:id/screening): the
// early-warning flags it was registered with and the possible duplicates — from every channel,
// an online application repeating a window registration too. Nothing shown when there is nothing.
import { useEffect, useState } from 'react';
import { intakeApi, type MatterScreening } from '../../api/intake.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';

export function ScreeningCard({ matterId }: { matterId: string }) {
  const [s, setS] = useState<MatterScreening | null>(null);
  useEffect(() => {
    let live = true;
    // Who may not see the screening (a mediator of another matter) simply sees no card.
    void intakeApi.screeningOf(matterId).then(
      (v) => live && setS(v),
      () => live && setS(null),
    );
    return () => {
      live = false;
    };
  }, [matterId]);

  if (!s || (s.flags.length === 0 && s.duplicates.length === 0)) return null;
  return (
    <section className="card" aria-labelledby="screening-title" data-testid="matter-screening">
      <h2 id="screening-title" className="section-title">
        查重与预警
      </h2>
      {s.flags.length > 0 && (
        <p className="matter-card__risk" role="note" data-testid="matter-flags">
          弱信号预警：{s.flags.map((f) => f.label).join('、')}
        </p>
      )}
      {s.duplicates.length > 0 && (
        <div data-testid="matter-duplicates">
          <p>疑似重复（{s.duplicates.length}）：</p>
          <ul className="matter-history">
            {s.duplicates.map((d) => (
              <li key={d.matterId} data-testid="matter-duplicate">
                <Link to={`/matters/${encodeURIComponent(d.matterId)}`}>{d.registrationNo}</Link> {d.title}（{d.reasons.join('、')}）
                <time className="muted">{formatDateTime(d.createdAt)}</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
