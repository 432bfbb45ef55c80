// Validation messages speak Chinese about the field: every property a route accepts has a Chinese
// label, and a refused request says which field and what is wrong, never the API name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldLabel } from '../../signaling/http/field-labels.ts';
import { createStaffUser, startTestServer, StaffClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: StaffClient;
let mediator: StaffClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = new StaffClient(server.url);
  await admin.login(server.admin.username, server.admin.password);
  ({ client: mediator } = await createStaffUser(admin, { username: 'label-mediator', displayName: '调解员', role: 'MEDIATOR', password: 'mediator-pass-1' }));
});
afterAll(() => server?.close());

interface Schema {
  title?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
}

/** Every named property of a schema, nested objects, arrays and unions included. */
function properties(schema: Schema | undefined, out: Array<{ name: string; schema: Schema }> = []) {
  if (!schema || typeof schema !== 'object') return out;
  for (const s of [...(schema.anyOf ?? []), ...(schema.allOf ?? []), ...(schema.items ? [schema.items] : [])]) properties(s, out);
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    out.push({ name, schema: s });
    properties(s, out);
  }
  return out;
}

describe('field labels', () => {
  it('every property of every declared route (body, query, path) has a Chinese label', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const route of server.app.declaredRoutes) {
      for (const where of ['body', 'querystring', 'params'] as const) {
        for (const { name, schema } of properties(route.schemas[where] as Schema | undefined)) {
          checked++;
          const label = fieldLabel(name, schema);
          if (!label || !/\p{Script=Han}/u.test(label)) missing.push(`${route.method} ${route.url} ${where}.${name}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('a word that means different things in different routes is labelled for each', () => {
    const labelOf = (url: string, where: 'body' | 'querystring', name: string) => {
      const route = server.app.declaredRoutes.find((r) => r.url === url && r.method !== 'GET' && r.schemas[where]);
      const found = properties(route?.schemas[where] as Schema | undefined).find((p) => p.name === name);
      return found && fieldLabel(name, found.schema);
    };
    expect(labelOf('/api/agreements/:caseId/versions', 'body', 'name')).toBe('版本名称');
    expect(labelOf('/api/courts', 'body', 'name')).toBe('法院名称');
    expect(labelOf('/api/courts', 'body', 'code')).toBe('法院代码');
    expect(labelOf('/api/users', 'body', 'role')).toBe('角色');
    expect(labelOf('/api/judicial/:caseId/materials', 'querystring', 'kind')).toBe('材料类型');
  });
});

describe('validation messages', () => {
  const message = async (client: StaffClient, method: string, url: string, body: unknown) => {
    const res = await client.request(method, url, body);
    const json = (await res.json()) as { code: string; message: string };
    expect(res.status).toBe(400);
    expect(json.code).toBe('VALIDATION');
    // No API names (summary, password…) reach people.
    expect(json.message).not.toMatch(/[A-Za-z]{2,}/);
    return json.message;
  };

  it('name the field by its Chinese label and say what is wrong', async () => {
    expect(await message(mediator, 'POST', '/api/cases', { title: '借款纠纷', disputeType: 'PRIVATE_LOAN', summary: '' })).toBe('纠纷概要不能为空');
    expect(await message(mediator, 'POST', '/api/cases', { title: '借款纠纷', disputeType: 'PRIVATE_LOAN', summary: '   ' })).toBe('纠纷概要不能为空');
    expect(await message(mediator, 'POST', '/api/cases', { title: '借款纠纷', disputeType: 'PRIVATE_LOAN' })).toBe('纠纷概要不能为空');
    expect(await message(mediator, 'POST', '/api/cases', { title: '借款纠纷', disputeType: 'NOPE', summary: 'x' })).toBe('纠纷类型不是可选的值');
    expect(await message(mediator, 'POST', '/api/cases', { title: 'x'.repeat(101), disputeType: 'PRIVATE_LOAN', summary: 'x' })).toBe(
      '案件标题不能超过 100 个字符',
    );
    expect(await message(admin, 'POST', '/api/users', { username: 'someone', displayName: '某人', role: 'MEDIATOR', password: 'short1' })).toBe(
      '密码至少 10 个字符',
    );
    expect(await message(admin, 'POST', '/api/users', { username: 'someone', displayName: '某人', role: 'BOSS', password: 'long-enough-1' })).toBe(
      '角色不是可选的值',
    );
    const caseId = (await mediator.json('POST', '/api/cases', { title: '借款纠纷', disputeType: 'PRIVATE_LOAN', summary: '借款未还' }, 201)).case.id as string;
    expect(await message(mediator, 'POST', `/api/cases/${caseId}/participants`, { role: 'APPLICANT', side: 'A', name: '张三', phone: '', idNumber: '1' })).toBe(
      '手机号不能为空',
    );
    expect(await message(mediator, 'POST', `/api/cases/${caseId}/invitations`, { participantId: 'abc', expiresInDays: 365 })).toBe('有效期不能大于 90');
  });
});
