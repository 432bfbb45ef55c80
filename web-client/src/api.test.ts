import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, partyApi, setCsrfToken, setUnauthorizedHandler } from './api.ts';

type Call = { url: string; init: RequestInit };

function mockFetch(responses: Array<() => Response>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const next = responses.shift();
      if (!next) throw new TypeError('no more responses');
      return next();
    }),
  );
  return calls;
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken('');
  setUnauthorizedHandler(null);
});

describe('staff client', () => {
  it('stores the CSRF token from login and sends it on non-GET requests only', async () => {
    const calls = mockFetch([
      json(200, { user: { id: 'u1', username: 'm', displayName: '调解员', role: 'MEDIATOR' }, csrfToken: 'tok1' }),
      json(200, { cases: [] }),
      json(201, { case: { id: 'c1' } }),
    ]);
    await api.login('m', 'pw');
    await api.cases();
    await api.createCase({ title: 't', disputeType: 'GENERAL', summary: '' });
    const h = (i: number) => calls[i]!.init.headers as Record<string, string>;
    expect(h(1)['x-csrf-token']).toBeUndefined();
    expect(h(2)['x-csrf-token']).toBe('tok1');
    expect(calls[2]!.init.credentials).toBe('same-origin');
    expect(JSON.parse(String(calls[2]!.init.body))).toEqual({ title: 't', disputeType: 'GENERAL', summary: '' });
  });

  it('surfaces the server message and code', async () => {
    mockFetch([json(400, { code: 'INVALID_ID_NUMBER', message: '身份证号码校验位错误' })]);
    const err = await api.addParticipant('c1', { role: 'APPLICANT', side: 'A', name: 'a', phone: '1', idNumber: '2' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_ID_NUMBER', message: '身份证号码校验位错误' });
  });

  it('replaces non-Chinese or missing messages with a Chinese fallback', async () => {
    mockFetch([json(429, { statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded' }), () => new Response('oops', { status: 502 })]);
    await expect(api.cases()).rejects.toMatchObject({ status: 429, message: '操作过于频繁，请稍后再试' });
    await expect(api.cases()).rejects.toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('reports network failures in Chinese', async () => {
    mockFetch([]);
    await expect(api.cases()).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('calls the unauthorized handler on 401 from staff endpoints, not from me()/login()', async () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    mockFetch([json(401, { code: 'UNAUTHENTICATED', message: '请先登录' }), json(401, {}), json(401, { code: 'BAD_CREDENTIALS', message: '账号或密码错误' })]);
    await expect(api.cases()).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(await api.me()).toBeNull();
    await expect(api.login('a', 'b')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('handles 204 responses', async () => {
    mockFetch([() => new Response(null, { status: 204 })]);
    await expect(api.removeParticipant('c1', 'p1')).resolves.toBeUndefined();
  });
});

describe('party client', () => {
  it('sends the link token as a bearer token without cookies', async () => {
    const calls = mockFetch([json(200, { participant: { id: 'p1' } })]);
    await partyApi('abc.def').confirmIdentity('张三', '123X');
    const init = calls[0]!.init;
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer abc.def');
    expect(init.credentials).toBe('omit');
    expect(calls[0]!.url).toBe('/api/party/confirm-identity');
    expect(JSON.parse(String(init.body))).toEqual({ name: '张三', idLast4: '123X' });
  });
});
