// Vocabulary for the client (labels in Chinese) and a health check.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiArea } from './api-area.ts';
import { CASE_STATUS_LABELS, CASE_STATUSES } from '../domain/case-status.ts';
import { DISPUTE_TYPES, PARTICIPANT_ROLES, SIDES } from '../domain/vocabulary.ts';
import { AUDIT_TYPE_LABELS } from '../audit/labels.ts';

const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/meta', { schema: { tags: ['meta'], summary: '取值表（纠纷类型、案件状态、角色、方）' }, config: { action: 'public' } }, async () => ({
    disputeTypes: DISPUTE_TYPES,
    caseStatuses: CASE_STATUSES.map((key) => ({ key, label: CASE_STATUS_LABELS[key] })),
    participantRoles: PARTICIPANT_ROLES,
    sides: SIDES,
    auditEventTypes: Object.entries(AUDIT_TYPE_LABELS).map(([key, label]) => ({ key, label })),
  }));
  app.get('/health', { schema: { tags: ['meta'], summary: '健康检查' }, config: { action: 'public' } }, async () => ({ ok: true }));
};

export const metaArea: ApiArea = { name: 'meta', routes: [{ prefix: '', plugin: metaRoutes }] };
