// The signing area: the organisation's signing identity (configured, or generated on first start
// into data/signing/), the signing API on /api/signing and public verification on /api/verify.
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { loadSigningIdentity, type SigningIdentity } from './org-identity.ts';
import { signingRoutes } from './routes.ts';
import { SigningService } from './signing-service.ts';
import type { SmsProvider } from './sms.ts';
import type { ClauseObjectionSink } from './party-signing.ts';
import { verifyRoutes } from './verify-routes.ts';
import { primaryUnitId } from '../centre/ensure-centre.ts';

export async function signingArea(
  ctx: AppContext,
  sms: SmsProvider,
  objections: ClauseObjectionSink,
  log: FastifyBaseLogger,
): Promise<ApiArea & { service: SigningService; identity: SigningIdentity }> {
  const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: await primaryUnitId(ctx) } });
  const identity = loadSigningIdentity({
    dataDir: ctx.config.dataDir,
    orgName: org.name,
    keyFile: ctx.config.signing.keyFile,
    certFile: ctx.config.signing.certFile,
  });
  const service = new SigningService(ctx, identity, sms, objections, log);
  return {
    name: 'signing',
    routes: [
      { prefix: '/signing', plugin: signingRoutes(ctx, service) },
      { prefix: '/verify', plugin: verifyRoutes(ctx, identity) },
    ],
    service,
    identity,
  };
}
