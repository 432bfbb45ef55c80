// Configuration from environment variables, validated once at start.
// A bad value stops the start with a message naming the variable.
import path from 'node:path';
import { z } from 'zod';
import type { EmbeddedTurnSettings } from './rtc/coturn.ts';
import { turnUrlProblems, type TurnSettings } from './rtc/turn.ts';
import { parseTrustProxy, type TrustProxySetting } from './http/trust-proxy.ts';
import { parseSmsSettings, SmsSettingsError, type SmsSettings } from './signing/sms-settings.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(fallback);

const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port('PORT', 3000),
  PUBLIC_URL: z.url({ error: 'PUBLIC_URL must be an absolute http(s) URL, e.g. https://tiaojie.example.cn' }).optional(),
  JIEFEN_DATA_DIR: z.string().min(1).default('data'),
  RTC_LISTEN_IP: z.union([z.ipv4(), z.ipv6()], { error: 'RTC_LISTEN_IP must be an IPv4 or IPv6 address' }).default('127.0.0.1'),
  RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  RTC_PORT: port('RTC_PORT', 40000),
  // TURN (signaling/rtc/turn.ts): URIs handed to clients and the secret shared with the TURN server.
  TURN_URLS: z.string().min(1).optional(),
  TURN_SECRET: z.string().min(32, 'TURN_SECRET must be at least 32 characters').optional(),
  TURN_CREDENTIAL_TTL_SEC: z.coerce.number().int().min(60, 'TURN_CREDENTIAL_TTL_SEC must be ≥ 60').max(86_400).default(3600),
  // TURN_EMBEDDED=1: start Debian's coturn with the server (signaling/rtc/coturn.ts).
  TURN_EMBEDDED: z.enum(['0', '1']).default('0'),
  TURN_LISTEN_IP: z.union([z.ipv4(), z.ipv6()], { error: 'TURN_LISTEN_IP must be an IPv4 or IPv6 address' }).optional(),
  TURN_PORT: port('TURN_PORT', 3478),
  TURN_TLS_PORT: port('TURN_TLS_PORT', 443),
  TURN_TLS_CERT_FILE: z.string().min(1).optional(),
  TURN_TLS_KEY_FILE: z.string().min(1).optional(),
  TURN_EXTERNAL_IP: z.string().min(1).optional(),
  TURN_MIN_PORT: port('TURN_MIN_PORT', 49160),
  TURN_MAX_PORT: port('TURN_MAX_PORT', 49200),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1, 'MEDIASOUP_WORKERS must be ≥ 1').max(64).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://')
    .optional(),
  // Several nodes: how soon a dead node's rooms may be taken over (it renews 4× per period).
  // Several nodes: the key signing messages between nodes (else derived from the shared secrets file).
  CLUSTER_HMAC_KEY: z.string().min(32, 'CLUSTER_HMAC_KEY must be at least 32 characters').optional(),
  // Failed link attempts per client address per window before it is refused (RATE_LIMITED).
  LINK_FAILURES_PER_WINDOW: z.coerce.number().int().min(1).max(10_000).default(20),
  LINK_FAILURE_WINDOW_SEC: z.coerce.number().min(1).max(86_400).default(300),
  ROOM_OWNER_TTL_MS: z.coerce.number().int().min(1000, 'ROOM_OWNER_TTL_MS must be ≥ 1000').max(60_000).default(4000),
  /** SIGTERM: how long a graceful stop may take before the process exits 1 anyway. */
  STOP_TIMEOUT_SEC: z.coerce.number().min(1, 'STOP_TIMEOUT_SEC must be ≥ 1').max(600).default(25),
  ROOM_RECONNECT_GRACE_SEC: z.coerce.number().min(1, 'ROOM_RECONNECT_GRACE_SEC must be ≥ 1').max(600).default(30),
  // One node: how long a live room's kept state outlives the server being down (then the room starts in the lobby).
  ROOM_STATE_MAX_AGE_MIN: z.coerce
    .number()
    .min(1, 'ROOM_STATE_MAX_AGE_MIN must be ≥ 1')
    .max(7 * 24 * 60)
    .default(60),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ORG_NAME: z.string().min(1).default('青山区人民调解委员会'),
  ORG_SHORT_NAME: z.string().min(1).max(8).default('青山'),
  CENTRE_NAME: z.string().min(1).default('青山区综治中心'),
  CENTRE_SHORT_NAME: z.string().min(1).max(8).default('青山'),
  CENTRE_UNITS_FILE: z.string().min(1).optional(),
  INTAKE_SCREENING_FILE: z.string().min(1).optional(),
  COURT_NAME: z.string().min(1).default('包头市青山区人民法院'),
  COURT_CODE: z.string().min(1).max(12).default('内0204'),
  /** The local court's 6-digit administrative-area code (jurisdiction is checked on codes, not address text). */
  COURT_AREA_CODE: z
    .string()
    .regex(/^\d{6}$/, 'COURT_AREA_CODE must be a 6-digit administrative-area code')
    .default('150204'),
  COURT_REGION: z.string().min(1).default('内蒙古自治区包头市青山区'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  SIGNING_KEY_FILE: z.string().min(1).optional(),
  SIGNING_CERT_FILE: z.string().min(1).optional(),
  // Courts' areas and intermediate-court rules (judicial/jurisdiction.ts); unset: agreement-templates/court-rules/courts.json.
  COURTS_FILE: z.string().min(1).optional(),
  // Each court's own signing identity (judicial/court-identity.ts): <code>.key.pem + <code>.chain.pem per court.
  COURT_KEYS_DIR: z.string().min(1).optional(),
  // production: nothing is generated that stands for someone else (a court's key); default: production when NODE_ENV=production.
  JIEFEN_MODE: z.enum(['development', 'production'], { error: 'JIEFEN_MODE must be development or production' }).optional(),
  AUDIT_SEAL_INTERVAL_MIN: z.coerce
    .number()
    .int()
    .min(1, 'AUDIT_SEAL_INTERVAL_MIN must be ≥ 1')
    .max(1440, 'AUDIT_SEAL_INTERVAL_MIN must be ≤ 1440')
    .default(60),
  DATA_KEYS_FILE: z.string().min(1).optional(),
  LOAD_TEST_PLAIN_RTP: z.enum(['0', '1'], { error: 'LOAD_TEST_PLAIN_RTP must be 0 or 1' }).default('0'),
  HEALTH_MIN_FREE_MB: z.coerce.number({ error: 'HEALTH_MIN_FREE_MB must be a number' }).int().min(0, 'HEALTH_MIN_FREE_MB must be ≥ 0').default(256),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'LOG_FORMAT must be auto, json or pretty' }).default('auto'),
  TRUST_PROXY: z.string().optional(),
  // 限时办结 (intake-deadlines): the time-limit file (else data/deadline-policy.json, else the built-in
  // one) and how often due reminders/督办 are looked for besides the wake-up at the next due one.
  DEADLINE_POLICY_FILE: z.string().min(1).optional(),
  DEADLINE_SCAN_SEC: z.coerce.number().min(1, 'DEADLINE_SCAN_SEC must be ≥ 1').max(3600).default(60),
  // #15 the public application page (/apply) and notifications (反馈): limits and providers.
  APPLY_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
  APPLY_PER_PHONE_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(3),
  APPLY_CODES_PER_PHONE_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(5),
  APPLY_CODES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  NOTIFY_POLL_MS: z.coerce.number().int().min(50, 'NOTIFY_POLL_MS must be ≥ 50').max(600_000).default(2000),
  WECHAT_PROVIDER: z.enum(['off', 'dev', 'http'], { error: 'WECHAT_PROVIDER must be off, dev or http' }).default('dev'),
  WECHAT_APP_ID: z.string().min(1).optional(),
  WECHAT_APP_SECRET: z.string().min(1).optional(),
  WECHAT_TEMPLATE_ID: z.string().min(1).optional(),
  WECHAT_API_BASE: z.url({ error: 'WECHAT_API_BASE must be an absolute URL' }).default('https://api.weixin.qq.com'),
});

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseFile: string;
  rtc: { listenIp: string; announcedAddress: string | undefined; port: number; workers: number | undefined };
  /** TURN servers for clients behind restrictive networks; null: none configured. */
  turn: TurnSettings | null;
  /** coturn started with the server (TURN_EMBEDDED=1); null: none, or an external TURN server. */
  embeddedTurn: EmbeddedTurnSettings | null;
  redisUrl: string | undefined;
  /** Several nodes: signs what nodes tell each other over Redis; unset: derived from data/secrets.json (shared by the nodes). */
  clusterHmacKey: string | undefined;
  /** Failed link attempts per client address per window; the window is also the audit summary period. */
  linkFailuresPerWindow: number;
  linkFailureWindowMs: number;
  /** Several nodes: a room whose owner stopped renewing for this long may be taken over. */
  roomOwnerTtlMs: number;
  /** How long a dropped participant keeps their place in a live room. */
  reconnectGraceMs: number;
  /** One node: a room's kept state is restored after a restart if the server was down less than this. */
  roomStateMaxAgeMs: number;
  /** How long a graceful stop (SIGTERM) may take (STOP_TIMEOUT_SEC). */
  stopTimeoutMs: number;
  logLevel: (typeof LOG_LEVELS)[number];
  org: { name: string; shortName: string };
  /** The 综治中心 and where its unit list comes from (centre/unit-list.ts). */
  centre: { name: string; shortName: string; unitsFile: string | undefined };
  /** Duplicate-check and risk-flag rules (intake/screening/); unset: data/intake-screening.json, else the built-in ones. */
  intakeScreeningFile: string | undefined;
  /** The court where the organisation is (created on first start; more courts are added by an admin). */
  court: { name: string; code: string; region: string; areaCode: string };
  /** Bearer token for /metrics; unset: /metrics answers loopback requests only. */
  metricsToken: string | undefined;
  /** /api/health/ready: free space the data folder must keep (MB). */
  health: { minFreeMb: number };
  /** The organisation's PDF signing key and certificate chain (PEM); unset: a generated development identity. */
  signing: { keyFile: string | undefined; certFile: string | undefined };
  /**
   * development: a court without configured keys gets a generated development key (marked 开发用);
   * production: such a court stops the start. JIEFEN_MODE, else production when NODE_ENV=production.
   */
  mode: 'development' | 'production';
  /** Courts' areas and intermediate-court rules (COURTS_FILE); unset: the built-in court-rules/courts.json. */
  courtsFile: string | undefined;
  /** Courts' signing identities from outside: `<court code>.key.pem` + `<court code>.chain.pem` per court (COURT_KEYS_DIR). */
  courtKeysDir: string | undefined;
  /** How often the audit chain head is sealed with the organisation's signing key (also at shutdown). */
  auditSealIntervalMs: number;
  /** Keys of personal data at rest supplied from outside (JSON {current, keys, blindIndexKey}); unset: the secrets store's. */
  dataKeysFile: string | undefined;
  /**
   * Lets room clients use plain (unencrypted, unauthenticated) RTP transports, for the load
   * benchmark's generator. Only with the media server on loopback.
   */
  loadTestPlainRtp: boolean;
  /** auto: human-readable lines when stdout is a terminal, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Reverse proxies trusted for X-Forwarded-For/-Proto (TRUST_PROXY); off by default. */
  trustProxy: TrustProxySetting;
  /** Where one-time codes are sent (SMS_PROVIDER and its settings). */
  sms: SmsSettings;
  /** 限时办结: the policy file (unset: data/deadline-policy.json or the built-in) and the job scan period. */
  deadlines: { policyFile: string | undefined; scanMs: number };
  /** #15 the public application page's limits (intake/public/). */
  apply: { perAddressPerHour: number; perPhonePerDay: number; codesPerPhonePerHour: number; codesPerAddressPerHour: number };
  /** #15 notifications to the person (intake/notify/): how often new steps are looked for; the WeChat template-message provider. */
  notify: {
    pollMs: number;
    wechat: { provider: 'off' | 'dev' } | { provider: 'http'; appId: string; appSecret: string; templateId: string; apiBase: string };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset so `PUBLIC_URL= npm start` behaves like no variable.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const rtcProblems = rtcNetworkProblems(e);
  if (rtcProblems.length > 0) throw new ConfigError(rtcProblems);
  if (e.LOAD_TEST_PLAIN_RTP === '1' && !e.RTC_LISTEN_IP.startsWith('127.')) {
    throw new ConfigError([`LOAD_TEST_PLAIN_RTP: plain RTP has no encryption: only with RTC_LISTEN_IP on loopback (127.x.x.x), not ${e.RTC_LISTEN_IP}`]);
  }
  let trustProxy: TrustProxySetting;
  try {
    trustProxy = parseTrustProxy(e.TRUST_PROXY);
  } catch (err) {
    throw new ConfigError([`TRUST_PROXY: ${(err as Error).message} (use a hop count such as 1, or addresses/CIDR ranges such as 127.0.0.1,10.0.0.0/8)`]);
  }
  if (e.WECHAT_PROVIDER === 'http') {
    const missing = (['WECHAT_APP_ID', 'WECHAT_APP_SECRET', 'WECHAT_TEMPLATE_ID'] as const).filter((k) => !e[k]);
    if (missing.length > 0) throw new ConfigError(missing.map((k) => `${k}: required with WECHAT_PROVIDER=http`));
  }
  const dataDir = path.resolve(e.JIEFEN_DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/+$/, '');
  let sms: SmsSettings;
  try {
    sms = parseSmsSettings(cleaned, publicUrl);
  } catch (err) {
    if (err instanceof SmsSettingsError) throw new ConfigError(err.problems);
    throw err;
  }
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    databaseFile: path.join(dataDir, 'jiefen.db'),
    rtc: { listenIp: e.RTC_LISTEN_IP, announcedAddress: e.RTC_ANNOUNCED_ADDRESS, port: e.RTC_PORT, workers: e.MEDIASOUP_WORKERS },
    turn: e.TURN_URLS && e.TURN_SECRET ? { urls: splitList(e.TURN_URLS), secret: e.TURN_SECRET, ttlSec: e.TURN_CREDENTIAL_TTL_SEC } : null,
    embeddedTurn:
      e.TURN_EMBEDDED === '1'
        ? {
            listenIp: e.TURN_LISTEN_IP ?? e.RTC_LISTEN_IP,
            port: e.TURN_PORT,
            tlsPort: e.TURN_TLS_PORT,
            certFile: e.TURN_TLS_CERT_FILE,
            keyFile: e.TURN_TLS_KEY_FILE,
            externalIp: e.TURN_EXTERNAL_IP,
            minPort: e.TURN_MIN_PORT,
            maxPort: e.TURN_MAX_PORT,
          }
        : null,
    redisUrl: e.REDIS_URL,
    clusterHmacKey: e.CLUSTER_HMAC_KEY,
    linkFailuresPerWindow: e.LINK_FAILURES_PER_WINDOW,
    linkFailureWindowMs: e.LINK_FAILURE_WINDOW_SEC * 1000,
    roomOwnerTtlMs: e.ROOM_OWNER_TTL_MS,
    reconnectGraceMs: e.ROOM_RECONNECT_GRACE_SEC * 1000,
    roomStateMaxAgeMs: e.ROOM_STATE_MAX_AGE_MIN * 60_000,
    stopTimeoutMs: e.STOP_TIMEOUT_SEC * 1000,
    logLevel: e.LOG_LEVEL,
    org: { name: e.ORG_NAME, shortName: e.ORG_SHORT_NAME },
    centre: { name: e.CENTRE_NAME, shortName: e.CENTRE_SHORT_NAME, unitsFile: e.CENTRE_UNITS_FILE },
    court: { name: e.COURT_NAME, code: e.COURT_CODE, region: e.COURT_REGION, areaCode: e.COURT_AREA_CODE },
    intakeScreeningFile: e.INTAKE_SCREENING_FILE,
    metricsToken: e.METRICS_TOKEN,
    health: { minFreeMb: e.HEALTH_MIN_FREE_MB },
    signing: { keyFile: e.SIGNING_KEY_FILE, certFile: e.SIGNING_CERT_FILE },
    mode: e.JIEFEN_MODE ?? (env.NODE_ENV === 'production' ? 'production' : 'development'),
    courtsFile: e.COURTS_FILE ? path.resolve(e.COURTS_FILE) : undefined,
    courtKeysDir: e.COURT_KEYS_DIR ? path.resolve(e.COURT_KEYS_DIR) : undefined,
    auditSealIntervalMs: e.AUDIT_SEAL_INTERVAL_MIN * 60_000,
    dataKeysFile: e.DATA_KEYS_FILE,
    loadTestPlainRtp: e.LOAD_TEST_PLAIN_RTP === '1',
    logFormat: e.LOG_FORMAT,
    trustProxy,
    sms,
    deadlines: { policyFile: e.DEADLINE_POLICY_FILE, scanMs: e.DEADLINE_SCAN_SEC * 1000 },
    apply: {
      perAddressPerHour: e.APPLY_PER_ADDRESS_PER_HOUR,
      perPhonePerDay: e.APPLY_PER_PHONE_PER_DAY,
      codesPerPhonePerHour: e.APPLY_CODES_PER_PHONE_PER_HOUR,
      codesPerAddressPerHour: e.APPLY_CODES_PER_ADDRESS_PER_HOUR,
    },
    notify: {
      pollMs: e.NOTIFY_POLL_MS,
      wechat:
        e.WECHAT_PROVIDER === 'http'
          ? {
              provider: 'http',
              appId: e.WECHAT_APP_ID ?? '',
              appSecret: e.WECHAT_APP_SECRET ?? '',
              templateId: e.WECHAT_TEMPLATE_ID ?? '',
              apiBase: e.WECHAT_API_BASE,
            }
          : { provider: e.WECHAT_PROVIDER },
    },
  };
}

const splitList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Media addresses that cannot work: listening on every interface (0.0.0.0, ::) gives clients no
 * address to reach, so a public one must be announced; TURN needs both its URIs and its secret.
 */
function rtcNetworkProblems(e: {
  RTC_LISTEN_IP: string;
  RTC_ANNOUNCED_ADDRESS?: string | undefined;
  TURN_URLS?: string | undefined;
  TURN_SECRET?: string | undefined;
  TURN_EMBEDDED: '0' | '1';
  TURN_TLS_PORT: number;
  TURN_TLS_CERT_FILE?: string | undefined;
  TURN_TLS_KEY_FILE?: string | undefined;
  TURN_MIN_PORT: number;
  TURN_MAX_PORT: number;
}): string[] {
  const problems: string[] = [];
  if ((e.RTC_LISTEN_IP === '0.0.0.0' || e.RTC_LISTEN_IP === '::') && !e.RTC_ANNOUNCED_ADDRESS)
    problems.push(
      `RTC_LISTEN_IP=${e.RTC_LISTEN_IP} listens on every interface: set RTC_ANNOUNCED_ADDRESS to the public IP address or host name clients reach the media server at (媒体服务监听所有网卡时须设置对外公布的地址 RTC_ANNOUNCED_ADDRESS)`,
    );
  if (!!e.TURN_URLS !== !!e.TURN_SECRET) problems.push('TURN_URLS and TURN_SECRET go together: set both (TURN 地址与共享密钥须同时设置) or neither');
  if (e.TURN_URLS) problems.push(...turnUrlProblems(splitList(e.TURN_URLS)));
  if (e.TURN_EMBEDDED === '1') {
    if (!e.TURN_URLS || !e.TURN_SECRET) problems.push('TURN_EMBEDDED=1 needs TURN_URLS (what clients are told) and TURN_SECRET (shared with coturn)');
    if (e.TURN_TLS_PORT > 0 && (!e.TURN_TLS_CERT_FILE || !e.TURN_TLS_KEY_FILE))
      problems.push('TURN_EMBEDDED=1 with TURN_TLS_PORT needs TURN_TLS_CERT_FILE and TURN_TLS_KEY_FILE (the TLS certificate for turns:), or TURN_TLS_PORT=0');
    if (e.TURN_MIN_PORT > e.TURN_MAX_PORT) problems.push('TURN_MIN_PORT must not be above TURN_MAX_PORT');
  }
  return problems;
}
