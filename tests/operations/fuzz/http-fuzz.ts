// Fuzzes every /api route through fastify's inject: per route, malformed bodies, query strings and
// path parameters generated from its schemas, sent twice over — with the credentials of a principal
// the route's action admits (so the payload reaches validation and the handler) and with none or
// garbage ones (the access gate). Every answer must be a 4xx carrying a specific code of the error
// table with a Chinese message; the database must be the same after each route's batch.
import fc from 'fast-check';
import parseQuery from 'fast-querystring';
import type { FastifyInstance } from 'fastify';
import { refusalOf, scopeOf, type CaseRole, type Scope } from '../../../signaling/access/grants.ts';
import type { DeclaredRoute } from '../../../signaling/http/access-hook.ts';
import { malformedText, mutated, plausible, RAW_BODIES, type JsonSchema, type PayloadLimits } from './payloads.ts';
import { checkRefusal, type FuzzTally } from './tally.ts';
import { serverValidator, type Validate } from './validators.ts';

export interface HttpPrincipal {
  name: string;
  /** Cookie / bearer / CSRF headers of this principal. */
  headers: Record<string, string>;
  roleIn(scope: Scope): CaseRole | null;
}

export interface HttpFuzzOptions {
  app: FastifyInstance;
  /** The Origin a browser of this server sends (mutations from elsewhere are refused before anything else). */
  origin: string;
  principals: readonly HttpPrincipal[];
  /** A real value for a path parameter (the case, the application…), used when another part is the malformed one. */
  paramValue(route: DeclaredRoute, name: string): string;
  perRoute: number;
  /** Unauthenticated payloads per non-public route. */
  anonymousPerRoute: number;
  seed: number;
  limits: PayloadLimits;
  /** A digest of the database (what a malformed request must never change). */
  snapshot(): Promise<string>;
  tally: FuzzTally;
  signal?: AbortSignal;
  onRoute?(route: DeclaredRoute, sent: number, ms: number): void;
}

interface Malformed {
  /** Which part is broken. */
  part: 'body' | 'raw' | 'querystring' | 'params';
  body?: string;
  contentType?: string;
  query?: string;
  params?: Record<string, string>;
}

/** Ids are lowercase letters and digits: anything else cannot name a record (signaling/http/access-hook.ts). */
const ID_SHAPE = /^[a-z0-9]{1,40}$/;

/** Percent-encodes every byte that is not unreserved (lone surrogates become U+FFFD, as a browser would send them). */
function encodeSegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function paramNames(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
}

/** Query values as a URL carries them: strings, repeated keys, objects as JSON text. */
function toQueryString(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `q=${encodeSegment(JSON.stringify(value) ?? '')}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const text = typeof item === 'string' ? item : (JSON.stringify(item) ?? '');
      parts.push(`${encodeSegment(k)}=${encodeSegment(text)}`);
    }
  }
  return parts.join('&');
}

/** `count` distinct malformed requests for the route (fewer only if the generators cannot find that many). */
export function malformedRequests(route: DeclaredRoute, count: number, seed: number, limits: PayloadLimits, paramValue: (name: string) => string): Malformed[] {
  const { body, querystring, params } = route.schemas;
  const names = paramNames(route.url);
  const check = {
    body: body ? serverValidator(body, route.method, route.url, 'body') : null,
    querystring: querystring ? serverValidator(querystring, route.method, route.url, 'querystring') : null,
    params: params ? serverValidator(params, route.method, route.url, 'params') : null,
  };
  const makers: Array<fc.WeightedArbitrary<Malformed | null>> = [];
  if (body && check.body) {
    const accepts = check.body;
    makers.push({
      weight: 12,
      arbitrary: mutated(body as JsonSchema, limits).map((value) => {
        const text = JSON.stringify(value);
        return text === undefined || accepts(value) ? null : { part: 'body' as const, body: text, contentType: 'application/json' };
      }),
    });
    const raws = RAW_BODIES.filter((r) => !('parsed' in r) || !accepts(r.parsed));
    if (raws.length)
      makers.push({ weight: 1, arbitrary: fc.constantFrom(...raws).map((r) => ({ part: 'raw' as const, body: r.body, contentType: r.contentType })) });
  }
  if (querystring && check.querystring) {
    const accepts = check.querystring;
    makers.push({
      weight: 12,
      arbitrary: mutated(querystring as JsonSchema, limits).map((value) => {
        const query = toQueryString(value);
        // Validated as the server will see it: parsed back from the URL.
        return accepts({ ...parseQuery.parse(query) }) ? null : { part: 'querystring' as const, query };
      }),
    });
  }
  if (names.length) {
    const accepts: Validate = check.params ?? ((v) => Object.values(v as Record<string, string>).every((id) => ID_SHAPE.test(id)));
    makers.push({
      weight: 4,
      arbitrary: fc.record(Object.fromEntries(names.map((n) => [n, fc.option(malformedText(limits), { nil: undefined, freq: 3 })]))).map((chosen) => {
        const decoded: Record<string, string> = {};
        for (const n of names) {
          const v = chosen[n];
          decoded[n] = v === undefined ? paramValue(n) : decodeURIComponent(encodeSegment(v));
        }
        const broken = names.filter((n) => chosen[n] !== undefined);
        if (!broken.length || accepts(decoded)) return null;
        return { part: 'params' as const, params: Object.fromEntries(broken.map((n) => [n, encodeSegment(chosen[n]!)])) };
      }),
    });
  }
  if (!makers.length) return [];
  const arb = fc.oneof(...makers);
  const out: Malformed[] = [];
  const seen = new Set<string>();
  for (let round = 0; out.length < count && round < 20; round++) {
    for (const m of fc.sample(arb, { numRuns: Math.max(count - out.length, 16) * 2, seed: seed + round })) {
      if (!m) continue;
      const key = JSON.stringify(m);
      // Raw bodies are a short fixed list: let them repeat, everything else once.
      if (m.part !== 'raw' && seen.has(key)) continue;
      seen.add(key);
      out.push(m);
      if (out.length >= count) break;
    }
  }
  return out;
}

/** A plausible body for the route when its body is not the part under test (the other part still makes it invalid). */
function companionBody(route: DeclaredRoute, seed: number): string | undefined {
  if (!route.schemas.body) return undefined;
  const [value] = fc.sample(plausible(route.schemas.body as JsonSchema), { numRuns: 1, seed });
  return JSON.stringify(value ?? {});
}

function urlFor(route: DeclaredRoute, m: Malformed, paramValue: (name: string) => string): string {
  const path = route.url.replace(/:([A-Za-z]+)/g, (_all, name: string) => m.params?.[name] ?? encodeSegment(paramValue(name)));
  return m.query === undefined ? path : `${path}?${m.query}`;
}

/** Credentials a stranger might send: none, or made-up ones. */
const GARBAGE_CREDENTIALS: ReadonlyArray<Record<string, string>> = [
  {},
  { authorization: 'Bearer ' },
  { authorization: 'Bearer not-a-token' },
  { authorization: `Bearer ${'A'.repeat(300)}` },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { cookie: 'jf_session=forged' },
  { cookie: 'jf_session=s%3Aabc.def' },
  { cookie: '__proto__=x; constructor=y' },
  { 'x-csrf-token': 'forged' },
];

/** The first principal the route's action admits (null: none of them). */
export function admittedPrincipal(route: DeclaredRoute, principals: readonly HttpPrincipal[]): HttpPrincipal | null {
  const scope = scopeOf(route.action);
  return principals.find((p) => refusalOf(p.roleIn(scope), route.action, scope) === null) ?? null;
}

let addressCounter = 0;
/** A fresh client address per request: per-address rate limits must not be what answers. */
function nextAddress(): string {
  const n = addressCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export async function fuzzRoute(route: DeclaredRoute, o: HttpFuzzOptions): Promise<void> {
  const started = Date.now();
  const isPublic = scopeOf(route.action) === 'public';
  const principal = isPublic ? null : admittedPrincipal(route, o.principals);
  const paramValue = (name: string) => o.paramValue(route, name);
  const authenticated = isPublic || principal ? malformedRequests(route, o.perRoute, o.seed, o.limits, paramValue) : [];
  const anonymous = isPublic ? [] : malformedRequests(route, o.anonymousPerRoute, o.seed + 7919, o.limits, paramValue);
  // Nothing to break (no schema, no parameters): strangers still try, with junk bodies.
  const strangers = !isPublic && !anonymous.length ? RAW_BODIES.map((r) => ({ part: 'raw' as const, body: r.body, contentType: r.contentType })) : anonymous;
  if (!authenticated.length && (isPublic || principal)) o.tally.untestable.push(`${route.method} ${route.url}`);

  const companion = companionBody(route, o.seed);
  const before = await o.snapshot();
  let sent = 0;
  const send = async (m: Malformed, credentials: Record<string, string>, who: string) => {
    const headers: Record<string, string> = { origin: o.origin, ...credentials };
    const body = m.body ?? (m.part === 'params' || m.part === 'querystring' ? companion : undefined);
    if (body !== undefined) headers['content-type'] = m.contentType ?? 'application/json';
    const url = urlFor(route, m, paramValue);
    const where = `${route.method} ${route.url} as ${who} (${m.part}): ${url.slice(0, 160)} ${body === undefined ? '' : body.slice(0, 160)}`;
    sent++;
    o.tally.payloads++;
    try {
      const res = await o.app.inject({
        method: route.method as 'GET',
        url,
        headers,
        remoteAddress: nextAddress(),
        ...(body !== undefined ? { payload: body } : {}),
      });
      checkRefusal(o.tally, where, res.statusCode, res.body);
    } catch (err) {
      o.tally.crash(where, err instanceof Error ? err.message : String(err));
    }
  };
  for (const m of authenticated) {
    if (o.signal?.aborted) break;
    await send(m, principal?.headers ?? {}, principal?.name ?? 'anyone');
  }
  for (const [i, m] of strangers.entries()) {
    if (o.signal?.aborted) break;
    await send(m, GARBAGE_CREDENTIALS[i % GARBAGE_CREDENTIALS.length]!, 'a stranger');
  }
  if ((await o.snapshot()) !== before) o.tally.stateChange(`${route.method} ${route.url}`);
  o.tally.routes++;
  o.onRoute?.(route, sent, Date.now() - started);
}
