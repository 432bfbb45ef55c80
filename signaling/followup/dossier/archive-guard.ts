// An archived case is read-only where a change would make the archived 卷宗 untrue: the case and its
// parties, invitation links, the agreement draft, signing, the minutes, the procedure (notice,
// 回避, 终止), applying for judicial confirmation, and entering the room. Every HTTP request that
// would change one of these (a non-GET request naming one of the actions below) is refused with
// CASE_ARCHIVED by the access hook, and a room join by the room's admission. Still open after
// archiving: reading and downloading, the court's review of an application it already has, and
// what follows the agreement by design — performance (履行) confirmations, ratings and 回访, which
// a later working copy of the dossier shows (the archived copy stays as it was).
import type { Action } from '../../access/grants.ts';
import type { Db } from '../../db.ts';
import { DomainError } from '../../errors.ts';

export const FROZEN_WHEN_ARCHIVED: ReadonlySet<Action> = new Set<Action>([
  'case.edit',
  'case.participants',
  'case.invitations',
  'case.staff',
  'draft.edit',
  'draft.suggest',
  'draft.comment',
  'draft.decide',
  'signing.manage',
  'signing.mediator-sign',
  'signing.sign',
  'minutes.record',
  'minutes.manage',
  'minutes.share',
  'minutes.sign',
  'procedure.party',
  'procedure.declare',
  'procedure.recusal',
  'procedure.end',
  'judicial.apply',
  'judicial.record-consent',
  'judicial.referral',
]);

/** Refuses with CASE_ARCHIVED when the case has been archived. */
export async function assertNotArchived(db: Pick<Db, 'caseArchive'>, caseId: string): Promise<void> {
  const archived = await db.caseArchive.findUnique({ where: { caseId }, select: { archivedAt: true } });
  if (archived) throw new DomainError('CASE_ARCHIVED');
}
