// A party's own view through its personal link: see the case, confirm identity, consent.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PartyService } from './party-service.ts';
import type { PartyPrivacy } from './party-privacy.ts';
import { AcknowledgePrivacyBody, GiveConsentBody, PrivacyView, WithdrawConsentBody } from './privacy-schemas.ts';
import { partyOf } from '../http/access-hook.ts';
import { errors, LinkContactView, PartyCaseView, PartySelfView, Text } from '../http/schemas.ts';

const PartyParticipant = PartySelfView;

const partyParticipantView = (p: { id: string; name: string; role: string; side: string; identityConfirmedAt: Date | null; consentAt: Date | null }) => ({
  id: p.id,
  name: p.name,
  role: p.role as never,
  side: p.side as never,
  identityConfirmed: p.identityConfirmedAt !== null,
  consentGiven: p.consentAt !== null,
});

export const partyRoutes =
  (party: PartyService, privacy: PartyPrivacy): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Public on purpose: the link it is asked about may be expired, revoked or garbled.
    app.get(
      '/contact',
      {
        schema: {
          tags: ['party'],
          summary: '链接无法使用时的联系方式（调解组织和调解员）',
          security: [{ link: [] }],
          response: { 200: LinkContactView, ...errors(429) },
        },
        config: { action: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (request) => party.contactFor(request.headers.authorization?.match(/^Bearer (\S{1,200})$/)?.[1] ?? null),
    );

    app.get(
      '/me',
      {
        schema: {
          tags: ['party'],
          summary: '当事人通过个人链接查看案件',
          security: [{ link: [] }],
          response: {
            200: Type.Object({
              case: PartyCaseView,
              participant: PartyParticipant,
            }),
            ...errors(401, 403, 429),
          },
        },
        config: { action: 'link.self', rateLimit: { max: 60, timeWindow: '1 minute' } },
      },
      async (request) => {
        const { link } = partyOf(request);
        const c = link.case;
        return {
          case: {
            id: c.id,
            number: c.number,
            title: c.title,
            disputeType: c.disputeType,
            status: c.status as never,
            orgName: c.org.name,
            mediatorName: c.mediator?.displayName ?? null,
          },
          participant: partyParticipantView(link.participant),
        };
      },
    );

    app.post(
      '/confirm-identity',
      {
        schema: {
          tags: ['party'],
          summary: '身份确认（姓名 + 身份证后四位）',
          security: [{ link: [] }],
          body: Type.Object({ name: Text(50), idLast4: Type.String({ pattern: '^[0-9]{3}[0-9Xx]$' }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ participant: PartyParticipant }), ...errors(400, 401, 429) },
        },
        config: { action: 'link.self', rateLimit: { max: 10, timeWindow: '1 minute' } },
      },
      async (request) => {
        const link = partyOf(request);
        const updated = await party.confirmIdentity(link.participant, request.body.name, request.body.idLast4);
        return { participant: partyParticipantView(updated) };
      },
    );

    app.post(
      '/consent',
      {
        schema: {
          tags: ['party'],
          summary: '同意在线调解',
          security: [{ link: [] }],
          body: Type.Object({ consent: Type.Literal(true) }, { additionalProperties: false }),
          response: { 200: Type.Object({ participant: PartyParticipant }), ...errors(400, 401, 409) },
        },
        config: { action: 'link.self' },
      },
      async (request) => {
        const link = partyOf(request);
        const updated = await party.giveConsent(link.participant, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
        return { participant: partyParticipantView(updated) };
      },
    );

    // #17 item 11 (PIPL): the 个人信息处理告知书 before any personal data, the separate consents, withdrawal.
    app.get(
      '/privacy',
      {
        schema: {
          tags: ['party'],
          summary: '个人信息处理告知书及各项单独同意的状态',
          security: [{ link: [] }],
          response: { 200: PrivacyView, ...errors(401, 403, 429) },
        },
        config: { action: 'link.self', rateLimit: { max: 60, timeWindow: '1 minute' } },
      },
      async (request) => {
        const { participant, link } = partyOf(request);
        return privacy.state(participant, link.case.org.name);
      },
    );

    app.post(
      '/privacy/acknowledge',
      {
        schema: {
          tags: ['party'],
          summary: '确认已阅读个人信息处理告知书（提供个人信息之前）',
          security: [{ link: [] }],
          body: AcknowledgePrivacyBody,
          response: { 200: PrivacyView, ...errors(400, 401, 409, 429) },
        },
        config: { action: 'link.self' },
      },
      async (request) => {
        const { participant, link } = partyOf(request);
        await privacy.acknowledge(participant, request.body.version, link.case.org.name);
        return privacy.state(participant, link.case.org.name);
      },
    );

    app.post(
      '/privacy/consents',
      {
        schema: {
          tags: ['party'],
          summary: '单独同意（身份证件图片、银行账户、手写签名、向人民法院提供）',
          security: [{ link: [] }],
          body: GiveConsentBody,
          response: { 200: PrivacyView, ...errors(400, 401, 409, 429) },
        },
        config: { action: 'link.self' },
      },
      async (request) => {
        const { participant, link } = partyOf(request);
        await privacy.give(participant, request.body.purpose, request.body.version, link.case.org.name);
        return privacy.state(participant, link.case.org.name);
      },
    );

    app.post(
      '/privacy/consents/withdraw',
      {
        schema: {
          tags: ['party'],
          summary: '撤回单独同意（不影响撤回前已签署或已提交的文书）',
          security: [{ link: [] }],
          body: WithdrawConsentBody,
          response: { 200: PrivacyView, ...errors(400, 401, 409, 429) },
        },
        config: { action: 'link.self' },
      },
      async (request) => {
        const { participant, link } = partyOf(request);
        await privacy.withdraw(participant, request.body.purpose);
        return privacy.state(participant, link.case.org.name);
      },
    );
  };
