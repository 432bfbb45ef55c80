// "谁能听到/看到您": the audience the server reports for my own media — the chip on my tile, the
// pop-over it opens, and the plain list (also shown on the waiting card).
import { EarIcon } from './icons.tsx';
import type { Audience } from './protocol.ts';
import { audienceCount, audienceNames } from './caucus-state.ts';

/** The compact chip on my own tile; the list itself is AudienceDetails. */
export function AudienceChip({ audience, compact, expanded, onToggle }: { audience: Audience | null; compact: boolean; expanded: boolean; onToggle(): void }) {
  const n = audienceCount(audience);
  return (
    <button
      type="button"
      className={`audience-chip${n === 0 ? ' audience-chip--none' : ''}`}
      onClick={onToggle}
      aria-expanded={expanded}
      data-testid="audience-chip"
      data-audio-count={audience?.audio.length ?? 0}
      data-video-count={audience?.video.length ?? 0}
      title="谁能听到/看到您"
    >
      <EarIcon />
      {compact ? (n === 0 ? '无人' : `${n}人`) : n === 0 ? '无人能听到/看到您' : `${n}人能听到/看到您`}
    </button>
  );
}

export function AudienceList({ audience }: { audience: Audience | null }) {
  return (
    <dl className="audience-list">
      <dt>能听到您</dt>
      <dd data-testid="audience-audio" data-peer-ids={(audience?.audio ?? []).map((x) => x.peerId).join(',')}>
        {audienceNames(audience?.audio)}
      </dd>
      <dt>能看到您</dt>
      <dd data-testid="audience-video" data-peer-ids={(audience?.video ?? []).map((x) => x.peerId).join(',')}>
        {audienceNames(audience?.video)}
      </dd>
    </dl>
  );
}

/** Pop-over with the names (kept in the DOM while collapsed, hidden). */
export function AudienceDetails({ audience, open, onClose }: { audience: Audience | null; open: boolean; onClose(): void }) {
  return (
    <div className="audience-details" hidden={!open} data-testid="audience-details" role="dialog" aria-label="谁能听到/看到您">
      <div className="audience-details__head">
        <strong>谁能听到/看到您</strong>
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="收起">
          ×
        </button>
      </div>
      <AudienceList audience={audience} />
      <p className="small muted">由服务器根据当前的音视频转发实时统计。</p>
    </div>
  );
}
