// /api/dossier/:caseId — a case's 电子卷宗 and its archiving: the state (archived or not, whether it
// can be, the retention period the policy gives it), archiving, and the sealed PDF. Staff only (by
// session cookie, CSRF on the archive); which case a staff member may reach is the service's.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { staffOf } from '../../http/access-hook.ts';
import { sendFile } from '../../http/file-reply.ts';
import { errors, Id } from '../../http/schemas.ts';
import type { ArchiveService } from './archive-service.ts';
import { DossierView } from './schemas.ts';

const CaseParams = Type.Object({ caseId: Id });
const security: Array<Record<string, string[]>> = [{ session: [] }];

export const dossierRoutes =
  (archives: ArchiveService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/:caseId',
      {
        schema: {
          tags: ['dossier'],
          summary: '电子卷宗与归档：是否已归档、能否归档、保管期限',
          security,
          params: CaseParams,
          response: { 200: DossierView, ...errors(400, 401, 403, 404) },
        },
        config: { action: 'dossier.read' },
      },
      async (request) => archives.view(staffOf(request), request.params.caseId),
    );

    app.post(
      '/:caseId/archive',
      {
        schema: {
          tags: ['dossier'],
          summary: '归档：生成并加盖电子签名的电子卷宗，记录其 SHA-256 和保管期限；归档后案件只读',
          security,
          params: CaseParams,
          response: { 200: DossierView, ...errors(400, 401, 403, 404, 409, 500) },
        },
        config: { action: 'dossier.archive' },
      },
      async (request) => archives.archive(staffOf(request), request.params.caseId),
    );

    app.get(
      '/:caseId/dossier.pdf',
      {
        schema: {
          tags: ['dossier'],
          summary: '下载电子卷宗（已归档：归档件原样；未归档：即时生成的工作副本），可用 npm run verify 离线核验',
          security,
          params: CaseParams,
          response: { ...errors(400, 401, 403, 404, 500) },
        },
        config: { action: 'dossier.read' },
      },
      async (request, reply) => {
        const file = await archives.download(staffOf(request), request.params.caseId);
        return sendFile(reply.header('x-dossier-sha256', file.sha256), {
          bytes: file.bytes,
          type: 'application/pdf',
          asciiName: 'dossier.pdf',
          name: file.fileName,
        });
      },
    );
  };
