// Cases, their participants, invitation links and audit trail (mediators and admins).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { CaseServices } from './index.ts';
import { staffOf } from '../http/access-hook.ts';
import {
  AuditLogView,
  CaseDetailView,
  CaseStatusT,
  CaseSummaryView,
  CoMediatorCandidateView,
  DateOnly,
  DisputeTypeT,
  errors,
  Id,
  IdParams,
  InvitationView,
  PartyDocumentKindT,
  PartyDocumentView,
  NewCaseBody,
  NewParticipantBody,
  ParticipantChangesBody,
  ParticipantView,
  Text,
} from '../http/schemas.ts';
import { caseDetailView, caseSummaryView, invitationView, participantView } from '../http/views.ts';
import { sendFile } from '../http/file-reply.ts';
import { MAX_PARTY_DOCUMENT_BYTES, PARTY_DOCUMENT_MIMES } from './party-documents.ts';

const Base64 = (maxBytes: number) => Type.String({ minLength: 4, maxLength: Math.ceil(maxBytes / 3) * 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' });
const PartyParams = Type.Object({ id: Id, pid: Id });

const CaseBody = Type.Object({ case: CaseDetailView });

export const caseRoutes =
  ({ cases, participants, invitations, coMediators, partyDocuments }: CaseServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const detail = async (request: FastifyRequest, caseId: string) => {
      const c = await cases.withPeople(caseId);
      const coMediators = c.coMediators.map((m) => ({ id: m.user.id, displayName: m.user.displayName }));
      // Just created: its creator is its mediator (the route's grant was cases.create).
      const role = request.access?.role && request.access.caseId === caseId ? request.access.role : 'mediator';
      return { case: caseDetailView(c, c.participants, coMediators, role) };
    };

    app.get(
      '',
      {
        schema: {
          tags: ['cases'],
          summary: '案件列表（含剩余办结天数）',
          response: { 200: Type.Object({ cases: Type.Array(CaseSummaryView) }), ...errors(401, 403) },
        },
        config: { action: 'cases.list' },
      },
      async (request) => ({
        cases: (await cases.listFor(staffOf(request))).map((c) => caseSummaryView(c)),
      }),
    );

    app.post(
      '',
      {
        schema: {
          tags: ['cases'],
          summary: '受理新案件',
          body: NewCaseBody,
          response: { 201: CaseBody, ...errors(400, 401, 403) },
        },
        config: { action: 'cases.create' },
      },
      async (request, reply) => {
        const created = await cases.create(staffOf(request), request.body);
        return reply.status(201).send(await detail(request, created.id));
      },
    );

    app.get(
      '/:id',
      {
        schema: { tags: ['cases'], summary: '案件详情', params: IdParams, response: { 200: CaseBody, ...errors(401, 403, 404) } },
        config: { action: 'case.read' },
      },
      async (request) => detail(request, request.params.id),
    );

    app.patch(
      '/:id',
      {
        schema: {
          tags: ['cases'],
          summary: '修改案件信息',
          params: IdParams,
          body: Type.Object(
            { title: Type.Optional(Text(100)), summary: Type.Optional(Text(4000)), disputeType: Type.Optional(DisputeTypeT), dueDate: Type.Optional(DateOnly) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: CaseBody, ...errors(400, 401, 403, 404) },
        },
        config: { action: 'case.edit' },
      },
      async (request) => {
        await cases.update(staffOf(request), request.params.id, request.body);
        return detail(request, request.params.id);
      },
    );

    app.post(
      '/:id/transition',
      {
        schema: {
          tags: ['cases'],
          summary: '变更案件状态（受理→分流→调解中→…）',
          params: IdParams,
          body: Type.Object({ to: CaseStatusT, reason: Type.Optional(Text(500)) }, { additionalProperties: false }),
          response: { 200: CaseBody, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'case.edit' },
      },
      async (request) => {
        await cases.moveByHand(staffOf(request), request.params.id, request.body.to, request.body.reason);
        return detail(request, request.params.id);
      },
    );

    app.post(
      '/:id/participants',
      {
        schema: {
          tags: ['participants'],
          summary: '添加当事人（身份证号按 GB 11643 校验）',
          params: IdParams,
          body: NewParticipantBody,
          response: { 201: Type.Object({ participant: ParticipantView }), ...errors(400, 401, 403, 404) },
        },
        config: { action: 'case.participants' },
      },
      async (request, reply) => {
        const p = await participants.add(staffOf(request), request.params.id, request.body);
        return reply.status(201).send({ participant: participantView(p) });
      },
    );

    app.patch(
      '/:id/participants/:pid',
      {
        schema: {
          tags: ['participants'],
          summary: '修改当事人信息（住所、民族、单位信息、送达地址等；签署期间不能修改）',
          params: Type.Object({ id: Id, pid: Id }),
          body: ParticipantChangesBody,
          response: { 200: Type.Object({ participant: ParticipantView }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'case.participants' },
      },
      async (request) => ({ participant: participantView(await participants.update(staffOf(request), request.params.id, request.params.pid, request.body)) }),
    );

    app.post(
      '/:id/participants/:pid/documents',
      {
        // A scanned 授权委托书 can be a few MB; base64 adds a third.
        bodyLimit: Math.ceil(MAX_PARTY_DOCUMENT_BYTES / 3) * 4 + 4096,
        schema: {
          tags: ['participants'],
          summary: '上传委托代理人的授权委托书（注明是否载明特别授权）或单位当事人的主体资格证明（PDF、JPG、PNG，≤5 MB）',
          params: PartyParams,
          body: Type.Object(
            {
              documentKind: PartyDocumentKindT,
              fileName: Text(120),
              mime: Type.Union(PARTY_DOCUMENT_MIMES.map((m) => Type.Literal(m))),
              contentBase64: Base64(MAX_PARTY_DOCUMENT_BYTES),
              specialPowers: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ document: PartyDocumentView }), ...errors(400, 401, 403, 404, 413) },
        },
        config: { action: 'case.participants' },
      },
      async (request, reply) => {
        const { documentKind, fileName, mime, contentBase64, specialPowers } = request.body;
        const row = await partyDocuments.upload(staffOf(request), request.params.id, request.params.pid, {
          kind: documentKind,
          fileName,
          mime,
          bytes: Buffer.from(contentBase64, 'base64'),
          specialPowers,
        });
        return reply.status(201).send({
          document: { id: row.id, kind: documentKind, fileName: row.fileName, specialPowers: row.specialPowers, createdAt: row.createdAt.toISOString() },
        });
      },
    );

    app.get(
      '/:id/participants/:pid/documents/:partyFileId',
      {
        schema: {
          tags: ['participants'],
          summary: '查看已上传的授权委托书或主体资格证明',
          params: Type.Object({ id: Id, pid: Id, partyFileId: Id }),
          response: { ...errors(401, 403, 404) },
        },
        config: { action: 'case.participants' },
      },
      async (request, reply) => {
        const d = await partyDocuments.file(request.params.id, request.params.pid, request.params.partyFileId);
        const ext = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }[d.mime] ?? 'bin';
        return sendFile(reply, { bytes: Buffer.from(d.bytes), type: d.mime, asciiName: `document.${ext}`, name: d.fileName, disposition: 'inline' });
      },
    );

    app.put(
      '/:id/participants/:pid/seal',
      {
        schema: {
          tags: ['participants'],
          summary: '上传单位当事人的电子印章图片（PNG，≤1 MB；签署时印在签名旁）',
          params: PartyParams,
          body: Type.Object({ sealPngBase64: Base64(1024 * 1024) }, { additionalProperties: false }),
          response: { 200: Type.Object({ participantId: Type.String(), sha256: Type.String() }), ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'case.participants' },
      },
      async (request) => partyDocuments.setSeal(staffOf(request), request.params.id, request.params.pid, Buffer.from(request.body.sealPngBase64, 'base64')),
    );

    app.delete(
      '/:id/participants/:pid',
      {
        schema: {
          tags: ['participants'],
          summary: '移除当事人',
          params: Type.Object({ id: Id, pid: Id }),
          response: { 204: Type.Null(), ...errors(401, 403, 404) },
        },
        config: { action: 'case.participants' },
      },
      async (request, reply) => {
        await participants.remove(staffOf(request), request.params.id, request.params.pid);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/:id/invitations',
      {
        schema: {
          tags: ['invitations'],
          summary: '邀请链接列表',
          params: IdParams,
          response: { 200: Type.Object({ invitations: Type.Array(InvitationView) }), ...errors(401, 403, 404) },
        },
        config: { action: 'case.invitations' },
      },
      async (request) => ({ invitations: (await invitations.list(staffOf(request), request.params.id)).map(invitationView) }),
    );

    app.post(
      '/:id/invitations',
      {
        schema: {
          tags: ['invitations'],
          summary: '为当事人生成个人邀请链接（链接只在此返回一次；该当事人此前的链接随即失效）',
          params: IdParams,
          body: Type.Object({ participantId: Id, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }, { additionalProperties: false }),
          response: {
            201: Type.Object({
              invitation: Type.Composite([
                InvitationView,
                /** replaced: how many earlier links of the participant this one revoked (重新生成链接). */
                Type.Object({ url: Type.String(), replaced: Type.Integer() }),
              ]),
            }),
            ...errors(400, 401, 403, 404),
          },
        },
        config: { action: 'case.invitations' },
      },
      async (request, reply) => {
        const { invitation, url, replaced } = await invitations.create(
          staffOf(request),
          request.params.id,
          request.body.participantId,
          request.body.expiresInDays,
        );
        return reply
          .status(201)
          .header('cache-control', 'no-store')
          .send({ invitation: { ...invitationView(invitation), url, replaced } });
      },
    );

    app.post(
      '/:id/invitations/:iid/revoke',
      {
        schema: {
          tags: ['invitations'],
          summary: '撤销邀请链接',
          params: Type.Object({ id: Id, iid: Id }),
          response: { 200: Type.Object({ invitation: InvitationView }), ...errors(401, 403, 404, 409) },
        },
        config: { action: 'case.invitations' },
      },
      async (request) => ({ invitation: invitationView(await invitations.revoke(staffOf(request), request.params.id, request.params.iid)) }),
    );

    app.get(
      '/:id/co-mediators/candidates',
      {
        schema: {
          tags: ['cases'],
          summary: '可指派的协办调解员（综治中心各成员单位在岗调解员，本单位在前）',
          params: IdParams,
          response: { 200: Type.Object({ mediators: Type.Array(CoMediatorCandidateView) }), ...errors(401, 403, 404) },
        },
        config: { action: 'case.staff' },
      },
      async (request) => ({ mediators: await coMediators.candidates(request.params.id) }),
    );

    app.post(
      '/:id/co-mediators',
      {
        schema: {
          tags: ['cases'],
          summary: '指派协办调解员',
          params: IdParams,
          body: Type.Object({ userId: Id }, { additionalProperties: false }),
          response: { 200: CaseBody, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'case.staff' },
      },
      async (request) => {
        await coMediators.assign(staffOf(request), request.params.id, request.body.userId);
        return detail(request, request.params.id);
      },
    );

    app.delete(
      '/:id/co-mediators/:userId',
      {
        schema: {
          tags: ['cases'],
          summary: '取消协办调解员',
          params: Type.Object({ id: Id, userId: Id }),
          response: { 200: CaseBody, ...errors(401, 403, 404) },
        },
        config: { action: 'case.staff' },
      },
      async (request) => {
        await coMediators.remove(staffOf(request), request.params.id, request.params.userId);
        return detail(request, request.params.id);
      },
    );

    app.get(
      '/:id/audit',
      {
        schema: {
          tags: ['cases'],
          summary: '案件审计记录（含审计链校验结果）',
          params: IdParams,
          response: {
            200: AuditLogView,
            ...errors(401, 403, 404),
          },
        },
        config: { action: 'case.audit' },
      },
      async (request) => cases.auditTrail(request.params.id),
    );
  };
