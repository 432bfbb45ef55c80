// Assembles a running server from a configuration: secrets, migrated database,
// first-start bootstrap, HTTP app. Used by main.ts and by the integration tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { createWorkerPool, type WorkerPool } from '../sfu/index.ts';
import { AccessEvents } from './access-events.ts';
import { startCoturn } from './rtc/coturn.ts';
import { ensureCentre } from './centre/ensure-centre.ts';
import { assertCourtKeys, CourtIdentities } from './judicial/court-identity.ts';
import { bootstrapIfEmpty, ensureLocalCourt, reconcileInitialPassword, type BootstrapResult } from './bootstrap.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { applyMigrations, openDb, openRawDb } from './db.ts';
import { casesArea } from './cases/index.ts';
import { draftingArea, type DraftingServer } from './drafting/index.ts';
import { mountApi } from './http/api-area.ts';
import { buildApp } from './http/app.ts';
import { metaArea } from './http/meta-routes.ts';
import { attachMetrics } from './http/metrics.ts';
import { RoomRegistry } from './rooms/room-registry.ts';
import { attachRoomSockets } from './rooms/room-socket.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { resolveDataKeys } from './privacy/data-keys.ts';
import { FieldCrypto } from './privacy/field-crypto.ts';
import { sealStoredPersonalData } from './privacy/seal-stored.ts';
import { auditStaffReads } from './privacy/read-audit.ts';
import { judicialArea } from './judicial/index.ts';
import { procedureArea } from './procedure/index.ts';
import { dossierArea } from './followup/dossier/index.ts';
import { orgArea } from './org/index.ts';
import { partyArea } from './party/index.ts';
import { signingArea } from './signing/index.ts';
import type { SigningIdentity } from './signing/org-identity.ts';
import type { SigningService } from './signing/signing-service.ts';
import type { SmsProvider } from './signing/sms.ts';
import { createSmsProvider } from './signing/sms-providers.ts';
import type { DestinationStream } from 'pino';
import { usersArea } from './users/index.ts';
import { unitsArea } from './units/index.ts';
import { intakeDeskArea } from './intake-desk/index.ts';
import { loadBuiltinTemplates } from './agreement/template-loader.ts';
import { joinCluster, type Cluster } from './cluster/index.ts';
import { AuditSealer, sealKeyFromIdentity } from './audit/seals.ts';
import { scheduleAuditSeals, type SealClock, type SealSchedule } from './audit/seal-schedule.ts';
import { healthArea, readiness, type HealthSources } from './health/index.ts';
import { clusterKey } from './cluster/message-auth.ts';
import { failedLinks } from './cases/failed-links.ts';
import { singleNodeRoomStates } from './rooms/single-node-room-states.ts';
import { scheduleRetention } from './retention/index.ts';
import { deadlinesArea, installDeadlinePolicyOnStart, systemClock, type Clock, type DeadlinesArea } from './deadlines/index.ts';
import { performanceArea, type PerformanceArea } from './followup/performance/index.ts';
import { followUpArea, type FollowUpArea } from './followup/index.ts';
import { intakePublicArea } from './intake/public/index.ts';
import { routingArea } from './routing/index.ts';
import { loadAreas } from './areas/areas.ts';
import { areasArea } from './areas/index.ts';
import { dashboardArea, type DashboardArea } from './followup/dashboard/index.ts';

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web-client', 'dist');

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  bootstrap: BootstrapResult;
  pool: WorkerPool;
  rooms: RoomRegistry;
  drafting: DraftingServer;
  signing: SigningService;
  signingIdentity: SigningIdentity;
  /** Several-node mode (REDIS_URL); null for the embedded single node. */
  cluster: Cluster | null;
  /** Seals of the audit chain head (audit/seals.ts), on a timer and at close. */
  auditSeals: AuditSealer;
  auditSealSchedule: SealSchedule;
  /** 限时办结: the scheduler of reminders and 督办 (tests await `scheduler.runDue()` after moving a fake clock). */
  deadlines: DeadlinesArea;
  /** 履行 (#16 item 1): the schedule service (its reminders and 逾期 run on `deadlines.scheduler`). */
  performance: PerformanceArea;
  /** #16 评价 and 回访: ratings and tasks (their reminders and 督办 run on `deadlines.scheduler`). */
  followup: FollowUpArea;
  /** #16 the centre's dashboard (tests call `dashboard.projector.catchUp()`). */
  dashboard: DashboardArea;
  close(): Promise<void>;
}

export interface StartOptions {
  webRoot?: string;
  logger?: boolean | { level: string };
  /** Skip `prisma migrate deploy` (tests that start from an already migrated database file). */
  skipMigrations?: boolean;
  /** Where one-time signing codes go (default: the provider configured by SMS_PROVIDER). */
  sms?: SmsProvider;
  /** The audit seal timer's clock (tests drive it by hand). */
  sealClock?: SealClock;
  /** Where log lines go instead of stdout (tests capture them), as JSON after redaction. */
  logDestination?: DestinationStream;
  /** The clock of deadlines and their scheduled jobs (tests pass a FakeClock). */
  clock?: Clock;
}

async function sealOnStart(config: Config, crypto: FieldCrypto) {
  const raw = openRawDb(config.databaseFile);
  try {
    return await sealStoredPersonalData(raw, path.join(config.dataDir, 'uploads'), crypto);
  } finally {
    await raw.$disconnect();
  }
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // The centre's 街道/社区 (data/areas.json), checked before anything opens: a bad file stops the start naming the field.
  const areaDirectory = loadAreas(config.dataDir);
  const { secrets } = loadOrCreateSecrets(config.dataDir);
  if (!options.skipMigrations) await applyMigrations(config.dataDir);
  const crypto = new FieldCrypto(resolveDataKeys(config, secrets));
  const db = openDb(config.databaseFile, crypto.dataKeys);
  // WAL + full sync: an acknowledged write survives a crash or power loss.
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await db.$executeRawUnsafe('PRAGMA synchronous = FULL');
  // Personal data written before encryption at rest is sealed now (a no-op once done).
  const sealed = await sealOnStart(config, crypto);
  const ctx: AppContext = { db, config, secrets, crypto, events: new AccessEvents() };
  await ensureCentre(ctx);
  await installDeadlinePolicyOnStart(ctx);
  const bootstrap = await bootstrapIfEmpty(ctx);
  if (!bootstrap.created) await reconcileInitialPassword(ctx);
  await ensureLocalCourt(ctx);
  // Production: a court without its own configured keys stops the start here (never generated silently).
  const courtIdentities = new CourtIdentities(config);
  assertCourtKeys(courtIdentities, await db.court.findMany());
  const app = await buildApp(ctx, {
    webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  if (sealed.values + sealed.indexes + sealed.files > 0) app.log.info({ sealed }, 'personal data stored in plaintext before was encrypted');
  auditStaffReads(app, ctx);
  if (config.mode === 'development')
    app.log.warn('开发模式（JIEFEN_MODE=development 或 NODE_ENV 非 production）：未配置密钥的法院使用自动生成的开发密钥，不得用于生产');
  const pool = await createWorkerPool({
    numWorkers: config.rtc.workers ?? os.availableParallelism(),
    listenIp: config.rtc.listenIp,
    announcedAddress: config.rtc.announcedAddress,
    rtcPort: config.rtc.port,
    logger: app.log,
  });
  const cluster = config.redisUrl
    ? await joinCluster(config.redisUrl, app.log, { ownerTtlMs: config.roomOwnerTtlMs }, clusterKey(config.clusterHmacKey, secrets.tokenKey))
    : null;
  const rooms = new RoomRegistry(ctx, pool, {
    reconnectGraceMs: config.reconnectGraceMs,
    log: app.log,
    ...(cluster ? { stateStore: cluster.states, onRoomClosed: (caseId: string) => cluster.owners.release(caseId) } : await singleNodeRoomStates(ctx, app.log)),
  });
  attachRoomSockets(app, ctx, rooms, { pingIntervalMs: 10_000, pingTimeoutMs: 8_000 }, cluster);
  // Templates are validated once at start (a broken one stops it) and shared by drafting and the court documents.
  const templates = loadBuiltinTemplates();
  const drafting = draftingArea(app, ctx, templates, cluster ? { relay: cluster.docs } : {});
  const sms = options.sms ?? createSmsProvider(config.sms, config.dataDir, app.log);
  const signing = await signingArea(ctx, sms, drafting.agreements, app.log);
  const intakePublic = intakePublicArea(ctx, sms, app.log, areaDirectory);
  const auditSeals = new AuditSealer(db, config.dataDir, sealKeyFromIdentity(signing.identity));
  const deadlines = await deadlinesArea(ctx, { clock: options.clock ?? systemClock, log: app.log, nodeId: cluster?.nodeId ?? null });
  app.addHook('onClose', async () => deadlines.scheduler.stop());
  const performance = performanceArea(ctx, { clock: options.clock ?? systemClock, scheduler: deadlines.scheduler, sms });
  const judicial = judicialArea(ctx, templates, signing.identity, courtIdentities, signing.service.codes);
  const dossier = dossierArea(ctx, {
    identity: signing.identity,
    clock: options.clock ?? systemClock,
    log: app.log,
    ports: { applicationPdf: async (caseId) => new Uint8Array((await judicial.applications.applicationPdf(caseId)).bytes) },
  });
  const followup = await followUpArea(ctx, { clock: options.clock ?? systemClock, scheduler: deadlines.scheduler, templates, identity: signing.identity });
  const areas = areasArea(areaDirectory);
  const dashboard = dashboardArea(ctx, { clock: options.clock ?? systemClock, log: app.log, areas: areaDirectory });
  app.addHook('onClose', async () => dashboard.projector.stop());
  const health: HealthSources = { ctx, pool, redis: cluster?.redis.command ?? null };
  await mountApi(app, [
    metaArea,
    healthArea(health),
    usersArea(ctx),
    orgArea(ctx),
    unitsArea(ctx),
    casesArea(
      ctx,
      {
        syncParties: (caseId, authorId) =>
          drafting.agreements.syncParties(caseId, authorId).catch((err: unknown) => app.log.error({ err, caseId }, 'agreement parties not brought up to date')),
      },
      { verifySeals: () => auditSeals.verify() },
    ),
    followup,
    partyArea(ctx),
    drafting,
    signing,
    judicial,
    deadlines,
    performance,
    procedureArea(ctx, templates, signing.identity, signing.service.codes),
    intakePublic,
    areas,
    routingArea(ctx, areaDirectory),
    dashboard,
    // Imported cases' invitation links go out through the SMS provider (a link, not a code: no validity minutes).
    intakeDeskArea(ctx, areaDirectory, { send: (phone, text) => sms.send(phone, text, { code: '', validMinutes: 0 }) }),
    dossier,
  ]);
  const auditSealSchedule = scheduleAuditSeals({
    intervalMs: config.auditSealIntervalMs,
    seal: () => auditSeals.seal(),
    log: app.log,
    ...(options.sealClock ? { clock: options.sealClock } : {}),
  });
  attachMetrics(app, ctx, {
    rooms,
    pool,
    drafting: drafting.server,
    nodeId: cluster?.nodeId ?? null,
    readiness: () => readiness(health),
    ...(cluster ? { clusterDrops: () => cluster.auth.drops() } : {}),
  });
  app.addHook('onClose', async () => failedLinks(ctx).close());
  const retention = scheduleRetention(ctx, app.log);
  app.addHook('onClose', async () => retention.stop());
  // Rooms first ('shutdown' keeps their state for the restart), then their media.
  app.addHook('onClose', async () => {
    rooms.closeAll();
    pool.close();
  });
  const coturn =
    config.embeddedTurn && config.turn
      ? await startCoturn(
          { turn: config.embeddedTurn, secret: config.turn.secret, mediaIp: config.rtc.announcedAddress ?? config.rtc.listenIp, realm: 'jiefen' },
          config.dataDir,
          (line) => app.log.debug({ turn: line }, 'turnserver'),
        )
      : null;
  if (coturn) app.addHook('onClose', () => coturn.stop());
  // 反馈: tells people of their matters' steps; stopped (its round finished) before the database closes.
  app.addHook('onClose', async () => intakePublic.notifier.stop());
  await app.listen({ host: config.host, port: config.port });
  await intakePublic.notifier.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closed = false;
  return {
    app,
    ctx,
    url: `http://${config.host}:${port}`,
    bootstrap,
    pool,
    rooms,
    drafting: drafting.server,
    signing: signing.service,
    signingIdentity: signing.identity,
    cluster,
    auditSeals,
    auditSealSchedule,
    deadlines,
    performance,
    followup,
    dashboard,
    async close() {
      if (closed) return;
      closed = true;
      auditSealSchedule.stop();
      await app.close();
      // In-flight writes are done: the final head gets a seal (cheap: one signature, one line).
      await auditSealSchedule.sealNow();
      await cluster?.close();
      await db.$disconnect();
    },
  };
}
