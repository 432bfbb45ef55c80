// What must never reach a log line: party link tokens, session cookies, bearer tokens, one-time
// codes, phone numbers, resident ID numbers, bank accounts. Three layers, each catching what the
// one before can miss: pino `redact` paths for the known places, request/response serializers
// that never copy headers and cut the token out of /j/<token> URLs, and a scrub of every string
// (and of every field with a secret-sounding name, at any depth) just before a line is written.

export const REDACTED = '[redacted]';

/** Known places of secrets in log objects (pino `redact` paths). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'token',
  '*.token',
  'phone',
  '*.phone',
  'idNumber',
  '*.idNumber',
  'bankAccount',
  '*.bankAccount',
  'cookie',
  '*.cookie',
  'password',
  '*.password',
  'sms.to',
  'sms.text',
];

/** Field names whose values are secrets wherever they appear (compared lower-case, without _ and -). */
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'setcookie',
  'token',
  'linktoken',
  'accesstoken',
  'password',
  'currentpassword',
  'newpassword',
  'secret',
  'phone',
  'phonenumber',
  'phonenumberset',
  'mobile',
  'idnumber',
  'idcard',
  'bankaccount',
  'account',
  'cookievalue',
  'sessionid',
  'csrftoken',
  'signaturepngbase64',
]);

const isSecretKey = (key: string) => SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ''));
// `code` is usually an error code (ECONNRESET, CODE_WRONG); it is a secret when it is a one-time code.
const isOneTimeCode = (key: string, value: unknown) => /^(code|otp|smscode)$/i.test(key) && (typeof value === 'number' || /^\d{4,8}$/.test(String(value)));

// Order matters: the most specific shapes first, so a token is not half-eaten by the digit patterns.
const PATTERNS: Array<[RegExp, string]> = [
  // Party link paths and tokens ("<invitation id>.<32-character secret>").
  [/\/j\/[^\s/?#"'<>]+/g, `/j/${REDACTED}`],
  [/[a-z0-9]{20,40}\.[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/g, REDACTED],
  [/\b(Bearer|Basic)\s+[^\s",;]+/gi, `$1 ${REDACTED}`],
  [/\b(jf_[a-z_]+)=[^;\s",]+/g, `$1=${REDACTED}`],
  // One-time codes next to the word that names them.
  [/(验证码|校验码|动态码|code)(\s*[:：=是为]?\s*)\d{4,8}/gi, `$1$2${REDACTED}`],
  // Resident ID numbers (GB 11643: 17 digits and a check character).
  [/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g, REDACTED],
  // Mainland mobile numbers, with or without +86.
  [/(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9A-Za-z])/g, REDACTED],
  // Bank card and account numbers: long runs of digits (spaces allowed between groups of four).
  [/(?<![0-9A-Za-z])\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?![0-9A-Za-z])/g, REDACTED],
  [/(?<![0-9A-Za-z])\d{12,30}(?![0-9A-Za-z])/g, REDACTED],
];

/** The string with every secret-looking part replaced. */
export function scrubString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of a log value with secret fields censored and every string scrubbed (cycles cut). */
export function scrubValue(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = (isSecretKey(key) || isOneTimeCode(key, v)) && v !== null && v !== undefined && v !== '' ? REDACTED : scrubValue(v, seen);
  return out;
}

/** A request URL fit for the log: the /j/ token cut out, query strings (which may carry anything) dropped. */
export function redactUrl(url: string): string {
  const [pathPart, query] = url.split('?', 2) as [string, string | undefined];
  return scrubString(pathPart) + (query !== undefined ? `?${REDACTED}` : '');
}

interface RawRequestLike {
  method?: string;
  url?: string;
  ip?: string;
  hostname?: string;
  socket?: { remotePort?: number } | null;
}

/** Request serializer: method, scrubbed URL and client address — never headers, cookies or bodies. */
export function serializeRequest(req: RawRequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** Response serializer: the status only (headers carry Set-Cookie). */
export function serializeResponse(res: { statusCode?: number }): Record<string, unknown> {
  return { statusCode: res.statusCode };
}
