// Public verification: anyone (a judge, a bank, the other party) uploads a PDF and learns whether
// it is exactly an agreement we issued — the organisation's signature checks out over the whole
// file, and the file's SHA-256 is that of an issued copy — and who signed it when. The QR code
// on the audit certificate opens /verify/<roundId>, whose public record names the case and the
// hashes. No login; nothing about the case beyond what the PDF itself shows.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { errors } from '../http/schemas.ts';
import type { SigningIdentity } from './org-identity.ts';
import { PdfVerifier } from './pdf-verifier.ts';

export const MAX_VERIFY_BYTES = 10 * 1024 * 1024;

const maskName = (name: string) => (name.length <= 1 ? name : `${[...name][0]}${'*'.repeat([...name].length - 1)}`);

export const verifyRoutes =
  (ctx: AppContext, identity: SigningIdentity): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Uploads are anyone's: verified on a worker thread with time and memory limits.
    const verifier = new PdfVerifier();
    app.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_VERIFY_BYTES }, (_req, body, done) => done(null, body));

    const issuedRecord = async (where: { id: string } | { pdfSha256: string }, fullNames: boolean) => {
      const round = await ctx.db.signingRound.findFirst({
        where: { ...where, status: 'COMPLETED' },
        include: { case: { include: { org: true } }, signatures: { orderBy: { signedAt: 'asc' } } },
      });
      if (!round) return null;
      return {
        roundId: round.id,
        orgName: round.case.org.name,
        caseNumber: round.case.number,
        contentSha256: round.contentSha256,
        pdfSha256: round.pdfSha256,
        issuedAt: round.completedAt?.toISOString() ?? null,
        signers: round.signatures.map((s) => ({ name: fullNames ? s.signerName : maskName(s.signerName), role: s.signerRole, at: s.signedAt.toISOString() })),
      };
    };

    app.post(
      '',
      {
        config: { action: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['verify'],
          summary: '上传 PDF 核验是否为本机构出具的原件（Content-Type: application/pdf）',
          response: { 200: Type.Object({ verdict: Type.Unknown(), issued: Type.Unknown(), genuine: Type.Boolean() }), ...errors(400, 413, 415, 422, 429) },
        },
      },
      async (request) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw new DomainError('VALIDATION', '请上传 PDF 文件（Content-Type: application/pdf）');
        if (!body.subarray(0, 1024).toString('latin1').includes('%PDF-')) throw new DomainError('VALIDATION', '上传的文件不是 PDF');
        const verdict = await verifier.verify(body, { pinnedRoots: [identity.rootFingerprint] });
        const issued = await issuedRecord({ pdfSha256: verdict.documentSha256 }, true);
        return { verdict, issued, genuine: verdict.valid && verdict.trustedRoot === true && issued !== null };
      },
    );

    app.get(
      '/:roundId',
      {
        schema: {
          tags: ['verify'],
          summary: '协议书的公开核验记录（二维码指向此处）',
          params: Type.Object({ roundId: Type.String({ minLength: 10, maxLength: 40, pattern: '^[a-z0-9]+$' }) }),
          response: { 200: Type.Object({ issued: Type.Unknown(), rootFingerprint: Type.String() }), ...errors(400, 404) },
        },
        config: { action: 'public' },
      },
      async (request) => {
        const issued = await issuedRecord({ id: request.params.roundId }, false);
        if (!issued) throw new DomainError('ISSUED_RECORD_NOT_FOUND', '没有找到该协议书的出具记录');
        return { issued, rootFingerprint: identity.rootFingerprint };
      },
    );
  };
