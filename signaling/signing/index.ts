// The signing area: the organisation's signing identity (configured, or generated on first start
// into data/signing/), the signing API on /api/signing and public verification on /api/verify.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { loadSigningIdentity, type SigningIdentity } from './org-identity.ts';
import { signingRoutes } from './routes.ts';
import { SigningService } from './signing-service.ts';
import { LogSmsProvider, type SmsProvider } from './sms.ts';
import { verifyRoutes } from './verify-routes.ts';

export async function attachSigning(app: FastifyInstance, ctx: AppContext, sms?: SmsProvider): Promise<{ service: SigningService; identity: SigningIdentity }> {
  const org = await ctx.db.organisation.findFirstOrThrow({ orderBy: { createdAt: 'asc' } });
  const identity = loadSigningIdentity({
    dataDir: ctx.config.dataDir,
    orgName: org.name,
    keyFile: ctx.config.signing.keyFile,
    certFile: ctx.config.signing.certFile,
  });
  const service = new SigningService(ctx, identity, sms ?? new LogSmsProvider(app.log), app.log);
  app.register(signingRoutes(ctx, service), { prefix: '/api/signing' });
  app.register(verifyRoutes(ctx, identity), { prefix: '/api/verify' });
  return { service, identity };
}
