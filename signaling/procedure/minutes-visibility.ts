// Who may read which line of the 调解笔录 — the server's rule, applied before anything leaves it
// (like the room's caucus isolation): a caucus line (背对背) is for its own side and the case's
// mediators only, until that side agrees to share it. Administrators, judges, the other side,
// interpreters and observers see the joint lines and shared caucus lines. Pure.

export type MinutesViewer = { kind: 'mediator' } | { kind: 'party'; side: string } | { kind: 'other' };

export interface VisibleLine {
  caucus: boolean;
  side: string | null;
  sharedAt: Date | null;
}

export function mayRead(viewer: MinutesViewer, line: VisibleLine): boolean {
  if (!line.caucus || line.sharedAt !== null) return true;
  if (viewer.kind === 'mediator') return true;
  return viewer.kind === 'party' && line.side !== null && viewer.side === line.side;
}
