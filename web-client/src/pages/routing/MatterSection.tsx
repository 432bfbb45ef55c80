import type { ReactNode } from 'react';
import type { MatterListItem } from '../../api/routing.ts';
import { MatterCard } from './MatterCard.tsx';

/** One list of a routing page: its heading with the count, an empty state, and each matter's card with what can be done to it. */
export function MatterSection({
  title,
  empty = '暂无',
  matters,
  children,
}: {
  title: string;
  empty?: string;
  matters: MatterListItem[];
  children?: (m: MatterListItem) => ReactNode;
}) {
  return (
    <>
      <h2 className="section-title">
        {title}（{matters.length}）
      </h2>
      {matters.length === 0 && <div className="card empty">{empty}</div>}
      {matters.map((m) => (
        <MatterCard key={m.id} m={m}>
          {children?.(m)}
        </MatterCard>
      ))}
    </>
  );
}
