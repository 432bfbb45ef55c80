// What the fuzzer (tests/operations/fuzz.test.ts) found, one regression test each: every answer,
// even one the router gives before any route runs, carries a code of the error table and a
// Chinese message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, isErrorCode } from '../../signaling/errors.ts';
import { seedLeakCase, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorCookie: string;
let caseId: string;

beforeAll(async () => {
  server = await startTestServer();
  const seeded = await seedLeakCase(server);
  mediatorCookie = seeded.mediator.cookie;
  caseId = seeded.caseId;
}, 60_000);
afterAll(() => server?.close());

async function refusal(url: string, method: 'GET' | 'DELETE' = 'GET') {
  const res = await server.app.inject({ method, url, headers: { cookie: mediatorCookie } });
  const body = JSON.parse(res.body) as { code: string; message: string };
  return { status: res.statusCode, ...body };
}

describe('router refusals speak the error table', () => {
  it('a path parameter longer than the router allows is VALIDATION with a Chinese message (was FST_ERR_MAX_PARAM_LENGTH, 414, English)', async () => {
    const res = await refusal(`/api/cases/${'x'.repeat(101)}`);
    expect(isErrorCode(res.code), JSON.stringify(res)).toBe(true);
    expect(res.code).toBe('VALIDATION');
    expect(res.status).toBe(ERRORS.VALIDATION.status);
    expect(res.message).toMatch(/\p{Script=Han}/u);
    // A nested parameter too, and the case itself still answers normally.
    expect((await refusal(`/api/cases/${caseId}/participants/${'y'.repeat(200)}`, 'DELETE')).code).toBe('VALIDATION');
    expect((await server.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: mediatorCookie } })).statusCode).toBe(200);
  });

  it('a path with a broken percent-encoding is VALIDATION with a Chinese message (was FST_ERR_BAD_URL, English)', async () => {
    const res = await refusal('/api/cases/%E0%A4%A');
    expect(res.code).toBe('VALIDATION');
    expect(res.status).toBe(400);
    expect(res.message).toMatch(/\p{Script=Han}/u);
  });
});
