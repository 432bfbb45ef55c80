// /api/intake: 来访/来电登记 (dispatchers), 随手记 (grid workers), the duplicate check and early
// warnings, and the batch import with its template (dispatchers, unit heads).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../errors.ts';
import { staffOf } from '../http/access-hook.ts';
import { errors, IdParams } from '../http/schemas.ts';
import type { PossibleDuplicate } from '../intake/screening/duplicates.ts';
import type { DeskService } from './desk-service.ts';
import { MAX_IMPORT_BYTES, XLSX_MIME } from './import/columns.ts';
import type { ImportService } from './import/import-service.ts';
import { ImportRejected } from './import/parse-rows.ts';
import { importTemplate } from './import/template.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './photos.ts';
import {
  DeskRegistrationBody,
  GridReportBody,
  ImportQuery,
  ImportRejectedView,
  ImportResultView,
  ImportTargetsView,
  MatterScreeningView,
  ProbeBody,
  RegisteredView,
  ScreeningView,
  WarningsView,
} from './schemas.ts';

type Registered = Awaited<ReturnType<DeskService['registerAtDesk']>> & { photos?: number };
const iso = (d: Date) => d.toISOString();
const duplicatesView = (ds: PossibleDuplicate[]) => ds.map((d) => ({ ...d, createdAt: iso(d.createdAt) }));
const registeredView = (r: Registered) => ({
  matter: {
    id: r.matter.id,
    registrationNo: r.matter.registrationNo,
    channel: r.matter.channel,
    status: r.matter.status,
    stageDueAt: iso(r.matter.stageDueAt),
  },
  flags: r.flags,
  duplicates: duplicatesView(r.duplicates),
  ...(r.photos !== undefined ? { photos: r.photos } : {}),
});

/** Photos travel base64 in the report's JSON: up to MAX_PHOTOS of MAX_PHOTO_BYTES, plus the text. */
const GRID_BODY_LIMIT = Math.ceil(((MAX_PHOTOS + 1) * MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024;

export const intakeDeskRoutes =
  (desk: DeskService, imports: ImportService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addContentTypeParser(XLSX_MIME, { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));

    app.post(
      '/registrations',
      {
        schema: {
          tags: ['intake'],
          summary: '来访/来电登记',
          body: DeskRegistrationBody,
          response: { 201: RegisteredView, ...errors(400, 401, 403, 404, 409) },
        },
        config: { action: 'intake.register' },
      },
      async (request, reply) => reply.status(201).send(registeredView(await desk.registerAtDesk(staffOf(request), request.body))),
    );

    app.post(
      '/registrations/check',
      {
        schema: { tags: ['intake'], summary: '登记前查重与风险提示（不保存）', body: ProbeBody, response: { 200: ScreeningView, ...errors(400, 401, 403) } },
        config: { action: 'intake.register' },
      },
      async (request) => {
        const s = await desk.probe(staffOf(request), request.body);
        return { flags: s.flags, duplicates: duplicatesView(s.duplicates) };
      },
    );

    app.post(
      '/grid-reports',
      {
        bodyLimit: GRID_BODY_LIMIT,
        schema: { tags: ['intake'], summary: '网格员随手记', body: GridReportBody, response: { 201: RegisteredView, ...errors(400, 401, 403, 413, 503) } },
        config: { action: 'intake.grid' },
      },
      async (request, reply) => reply.status(201).send(registeredView(await desk.reportFromGrid(staffOf(request), request.body))),
    );

    app.get(
      '/matters/:id/screening',
      {
        schema: { tags: ['intake'], summary: '事项的疑似重复与风险预警', params: IdParams, response: { 200: MatterScreeningView, ...errors(401, 403, 404) } },
        config: { action: 'intake.screening' },
      },
      async (request) => {
        const s = await desk.screeningOf(staffOf(request), request.params.id);
        const m = s.matter;
        return {
          matter: { id: m.id, registrationNo: m.registrationNo, title: m.title, channel: m.channel, status: m.status },
          flags: s.flags,
          duplicates: duplicatesView(s.duplicates),
        };
      },
    );

    app.get(
      '/warnings',
      {
        schema: { tags: ['intake'], summary: '弱信号预警（未办结事项）', response: { 200: WarningsView, ...errors(401, 403) } },
        config: { action: 'intake.warnings' },
      },
      async (request) => ({ warnings: (await desk.warnings(staffOf(request))).map(({ riskFlags: _flags, ...w }) => ({ ...w, createdAt: iso(w.createdAt) })) }),
    );

    app.get(
      '/imports/template',
      { schema: { tags: ['intake'], summary: '批量导入模板（.xlsx）', ...{ response: errors(401, 403) } }, config: { action: 'intake.import' } },
      async (_request, reply) =>
        reply
          .header('content-type', XLSX_MIME)
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent('批量导入模板.xlsx')}`)
          .send(await importTemplate()),
    );

    app.get(
      '/imports/targets',
      {
        schema: { tags: ['intake'], summary: '可导入的单位及其调解员', response: { 200: ImportTargetsView, ...errors(401, 403) } },
        config: { action: 'intake.import' },
      },
      async (request) => imports.targets(staffOf(request)),
    );

    app.post(
      '/imports',
      {
        schema: {
          tags: ['intake'],
          summary: '批量导入（.xlsx）：逐行校验，有错则整体不导入',
          querystring: ImportQuery,
          response: { 201: ImportResultView, 422: ImportRejectedView, ...errors(400, 401, 403, 404, 409, 413) },
        },
        config: { action: 'intake.import' },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw new DomainError('IMPORT_FILE_UNREADABLE', '请以 .xlsx 文件上传');
        const { unitId, mediatorId, sendLinks } = request.query;
        try {
          const result = await imports.import(staffOf(request), request.body, { unitId, mediatorId, sendLinks: sendLinks === '1' });
          return reply.status(201).send(result);
        } catch (err) {
          if (err instanceof ImportRejected) return reply.status(422).send({ code: 'IMPORT_REJECTED', message: err.message, errors: err.problems });
          throw err;
        }
      },
    );
  };
