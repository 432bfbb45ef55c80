// Staff reads of a case's personal data, materials and documents leave an audit row: who (the
// actor), which case, what (the route's Chinese summary) and which material — never the data.
// The row is written before the answer leaves (onSend): a read that cannot be audited fails.
// Repeated reads of the same thing by the same person within READ_AUDIT_WINDOW_MS are one row,
// so a page that refreshes does not flood the log.
import type { FastifyInstance } from 'fastify';
import type { Action } from '../access/grants.ts';
import { staffActor } from '../audit/actors.ts';
import { recordAudit } from '../audit/log.ts';
import type { AppContext } from '../context.ts';

/** Staff actions whose GET answers carry personal data (parties' particulars, signatures, materials, PDFs). */
export const PERSONAL_DATA_READS: ReadonlySet<Action> = new Set<Action>([
  'case.read',
  'draft.read',
  'signing.read',
  'agreement.download',
  'judicial.read',
  'judicial.documents',
  'judicial.review',
]);

export const READ_AUDIT_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export function auditStaffReads(app: FastifyInstance, ctx: AppContext, now: () => number = Date.now): void {
  const lastAudited = new Map<string, number>();
  app.addHook('onSend', async (request, reply, payload) => {
    const action = request.routeOptions.config.action;
    const access = request.access;
    if (request.method !== 'GET' || !action || !PERSONAL_DATA_READS.has(action) || reply.statusCode >= 300) return payload;
    if (access?.principal?.kind !== 'staff' || !access.caseId) return payload;
    const user = access.principal.user;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    const key = `${user.id}|${access.caseId}|${route}|${params.materialId ?? ''}`;
    const t = now();
    if ((lastAudited.get(key) ?? -Infinity) > t - READ_AUDIT_WINDOW_MS) return payload;
    const summary = (request.routeOptions.schema as { summary?: string } | undefined)?.summary;
    await recordAudit(ctx.db, staffActor(user), access.caseId, {
      type: 'PERSONAL_DATA_READ',
      data: { what: summary ?? route, route, ...(params.materialId ? { materialId: params.materialId } : {}) },
    });
    if (lastAudited.size >= MAX_REMEMBERED) lastAudited.clear();
    lastAudited.set(key, t);
    return payload;
  });
}
