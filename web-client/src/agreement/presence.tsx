// Who else has the draft open and what they are editing: the bar under the title and the chips on the
// block someone is typing in.
import { SECTION_LABELS, type SectionKey } from '../../../signaling/agreement/document.ts';
import type { PresenceEntry } from './connection.ts';

function presenceLabel(p: PresenceEntry, clauseIndex: Map<string, number>): string | null {
  if (p.editing?.clauseId) {
    const i = clauseIndex.get(p.editing.clauseId);
    return i === undefined ? null : `正在编辑第${i + 1}条`;
  }
  if (p.editing?.section) return `正在编辑「${SECTION_LABELS[p.editing.section as SectionKey] ?? p.editing.section}」`;
  return null;
}

export function PresenceBar({ presence, clauseIndex }: { presence: PresenceEntry[]; clauseIndex: Map<string, number> }) {
  const others = presence.filter((p) => !p.self && p.user);
  if (others.length === 0) return <p className="agreement__presence muted small">只有您在查看</p>;
  return (
    <ul className="agreement__presence" aria-label="正在查看的人">
      {others.map((p) => {
        const doing = presenceLabel(p, clauseIndex);
        return (
          <li key={p.clientId} className="presence" data-testid="presence" data-name={p.user!.name} data-clause-id={p.editing?.clauseId ?? ''}>
            <span className="presence__dot" style={{ backgroundColor: p.user!.color }} aria-hidden="true" />
            <span>
              {p.user!.name}
              <span className="muted">（{p.user!.roleLabel}）</span>
              {doing && <span className="presence__doing"> · {doing}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function EditorsChips({ editors }: { editors: PresenceEntry[] }) {
  if (editors.length === 0) return null;
  return (
    <span className="agreement__editing" data-testid="clause-editing">
      {editors.map((p) => (
        <span key={p.clientId} className="agreement__editing-chip" style={{ borderColor: p.user?.color, color: p.user?.color }}>
          ✎ {p.user?.name}
        </span>
      ))}
    </span>
  );
}
