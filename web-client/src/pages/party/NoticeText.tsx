import type { ProcedureView } from '../../api.ts';

/** The 权利义务告知书 as the server rendered it (the text the acknowledgement binds by its hash). */
export function NoticeText({ notice }: { notice: ProcedureView['notice'] }) {
  const [org, ...rest] = notice.blocks;
  return (
    // A scrolling box: focusable and named, so it can be read with the keyboard and a screen reader.
    <div className="notice" data-testid="rights-notice" data-version={notice.version} tabIndex={0} role="region" aria-label={notice.title}>
      <h3 className="notice__title">{notice.title}</h3>
      {org && <p className="notice__org">{org.paragraphs.join('')}</p>}
      {rest.map((b, i) => (
        <div key={i} className="notice__block">
          {b.heading && <h4 className="notice__heading">{b.heading}</h4>}
          {b.paragraphs.map((p, j) => (
            <p key={j}>{p}</p>
          ))}
        </div>
      ))}
      {notice.legalBasis.length > 0 && <p className="muted small">依据：{notice.legalBasis.join('；')}</p>}
    </div>
  );
}
