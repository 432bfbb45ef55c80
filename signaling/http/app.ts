// Builds the fastify application: security plugins, OpenAPI docs, the access hook, the party link
// route and the web client; the areas' routes are mounted under /api by mountApi (api-area.ts). Errors are mapped to {code, message} here only.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { resolveLink } from '../cases/link-resolution.ts';
import { originAllowed } from '../access/principal.ts';
import { installAccessHook } from './access-hook.ts';
import { validationMessage } from './field-labels.ts';
import { proxyTrust } from './trust-proxy.ts';
import { loggerOptions } from '../logs/logger.ts';
import type { DestinationStream } from 'pino';
import { storageRefusal } from '../storage-fault.ts';
import { frameworkErrors } from './framework-errors.ts';
import { ROOM_PAGE_PATH } from '../protocol/room-links.ts';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  mediaSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export interface BuildOptions {
  /** Folder with the built web client (index.html + assets). */
  webRoot: string;
  logger?: boolean | { level: string };
  /** Where log lines go instead of stdout (redacted JSON). */
  logDestination?: DestinationStream;
}

export async function buildApp(ctx: AppContext, options: BuildOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? true;
  const app = Fastify({
    logger:
      logger &&
      loggerOptions({
        level: logger === true ? ctx.config.logLevel : logger.level,
        format: ctx.config.logFormat,
        ...(options.logDestination ? { destination: options.logDestination } : {}),
      }),
    trustProxy: proxyTrust(ctx.config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    // verbose: errors carry the failing schema, whose title names the field (http/field-labels.ts).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, verbose: true } },
    // Validation messages are sentences about the field's Chinese label: "纠纷概要不能为空".
    schemaErrorFormatter: (errors, dataVar) => new Error(validationMessage(errors, dataVar)),
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installAccessHook(app, ctx);

  // Every refusal leaves as {code, message} from the one table (signaling/errors.ts).
  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    const refuse = (e: DomainError) => reply.status(e.status).send({ code: e.code, message: e.message });
    if (error instanceof DomainError) return refuse(error);
    if ('validation' in error && error.validation) return refuse(new DomainError('VALIDATION', error.message));
    if (error.statusCode === 429) return refuse(new DomainError('RATE_LIMITED'));
    if (error.statusCode === 413) return refuse(new DomainError('FILE_TOO_LARGE', '提交的内容过大'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Unparseable JSON, wrong content type and the like: the same contract as schema errors.
      return refuse(new DomainError('VALIDATION', `请求格式无效：${error.message}`));
    }
    const storage = storageRefusal(error, ctx.config.databaseFile);
    request.log.error({ err: error, ...(storage ? { code: storage.code } : {}) }, 'unhandled error');
    return refuse(storage ?? new DomainError('INTERNAL'));
  });

  await app.register(cookie, { secret: ctx.secrets.sessionKey });
  await app.register(helmet, {
    contentSecurityPolicy: {
      // Upgrading to https only makes sense when we are served over https.
      directives: { ...CONTENT_SECURITY_POLICY, upgradeInsecureRequests: ctx.config.publicUrl.startsWith('https:') ? [] : null },
    },
    crossOriginEmbedderPolicy: false,
    hsts: ctx.config.publicUrl.startsWith('https:'),
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `操作过于频繁，请在 ${Math.ceil(context.ttl / 1000)} 秒后再试`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      info: { title: '解纷 Jiefen API', version: '0.1.0', description: '在线调解室服务 HTTP 接口' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'jf_session' }, link: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  // Reject cross-site mutations outright (defence in depth on top of SameSite cookies + CSRF token).
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    if (!originAllowed(ctx.config.publicUrl, request.headers.origin, request.headers.host)) throw new DomainError('ORIGIN_REJECTED');
  });

  registerWebClient(app, ctx, options.webRoot);
  return app;
}

/**
 * Vite names every built asset after its content hash (assets/entry-93G4u3oT.js): such a file never
 * changes, so a returning phone loads it from its cache without asking. Anything else (index.html)
 * is revalidated every time so a new version is picked up at once.
 */
export function assetCacheControl(relativePath: string): string {
  return /^assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(?:\.br|\.gz)?$/.test(relativePath.split(path.sep).join('/'))
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

function registerWebClient(app: FastifyInstance, ctx: AppContext, webRoot: string): void {
  const page = (name: 'index.html' | 'room.html') => {
    const file = path.join(webRoot, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  };
  const indexHtml = () => page('index.html') ?? '<!doctype html><meta charset="utf-8"><title>解纷</title><p>Web client not built: run npm start.</p>';
  // A room link's page also preloads the room's code (room.html, web-client/vite.config.ts).
  const pageHtml = (urlPath: string) => (ROOM_PAGE_PATH.test(urlPath) ? page('room.html') : null) ?? indexHtml();

  if (existsSync(webRoot)) {
    app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      index: false,
      wildcard: false,
      serve: true,
      decorateReply: false,
      // The build writes .br and .gz beside each text file (web-client/vite.config.ts).
      preCompressed: true,
      // Our own cache-control per file (below), not send's default max-age=0 for everything.
      cacheControl: false,
      setHeaders: (res, file) => res.setHeader('cache-control', assetCacheControl(path.relative(webRoot, file))),
    });
  }

  // A party's personal link: validate it (logging the use or the rejection), then serve the app,
  // which shows either the landing page or the reason the link does not work.
  app.get(
    '/j/:token',
    {
      schema: { hide: true, params: { type: 'object', properties: { token: { type: 'string', maxLength: 200 } }, required: ['token'] } },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      let status = 200;
      try {
        await resolveLink(ctx, token, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '', recordUse: true });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        status = err.status;
      }
      return reply.status(status).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html').send(indexHtml());
    },
  );

  app.setNotFoundHandler((request, reply) => {
    // A follow link (/m/<id>.<secret>, intake/follow/) has a dot but is a page, not a file.
    const urlPath = request.url.split('?')[0]!;
    const isPage = !path.extname(urlPath) || request.url.startsWith('/m/');
    if (request.method === 'GET' && !request.url.startsWith('/api/') && isPage) {
      return reply.type('text/html').header('cache-control', 'no-cache').send(pageHtml(urlPath));
    }
    return reply.status(404).send({ code: 'NOT_FOUND', message: `接口不存在：${request.method} ${urlPath}` });
  });
}
