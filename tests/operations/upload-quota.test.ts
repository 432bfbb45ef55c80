// The judicial materials quota (files and bytes per application) holds under concurrency, against
// the real server: many uploads at once from the parties' links can never take an application
// past its quota, and every refused upload leaves no file behind.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATERIAL_BYTES_PER_APPLICATION, MATERIALS_PER_APPLICATION, materialsDir } from '../../signaling/judicial/materials.ts';
import { seedLeakCase, startTestServer, type SeededParty, type TestServer } from '../support/server.ts';

let server: TestServer;
let caseId: string;
let parties: SeededParty[];
let applicationId: string;

const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(n, 7)]);
const upload = (token: string, body: Buffer, i: number) =>
  fetch(`${server.url}/api/judicial/${caseId}/materials?kind=EVIDENCE&name=${encodeURIComponent(`证据${i}.jpg`)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: new Uint8Array(body),
  });
const stored = () => (existsSync(materialsDir(server.ctx)) ? readdirSync(materialsDir(server.ctx)).length : 0);

/** Earlier materials of the application, as rows only (their files are not what is tested here). */
async function seedMaterials(count: number, bytesEach: number): Promise<void> {
  await server.ctx.db.judicialMaterial.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      applicationId,
      participantId: parties[0]!.id,
      kind: 'EVIDENCE',
      displayName: `旧材料${i}`,
      mime: 'image/jpeg',
      bytes: bytesEach,
      sha256: '0'.repeat(64),
    })),
  });
}

beforeAll(async () => {
  server = await startTestServer();
  ({ caseId, parties } = await seedLeakCase(server));
  // An application still collecting materials (how a case gets here is the judicial tests' business).
  const court = await server.ctx.db.court.findFirstOrThrow({ where: { isLocal: true } });
  const now = new Date();
  applicationId = (
    await server.ctx.db.judicialApplication.create({
      data: { caseId, courtId: court.id, status: 'DRAFT', effectiveAt: now, windowEndsAt: new Date(now.getTime() + 30 * 86_400_000) },
    })
  ).id;
}, 60_000);
afterAll(() => server?.close());

describe('materials quota under concurrency', () => {
  it('the file count: 10 uploads at once into an application with room for 3 → exactly 3 stored', async () => {
    await seedMaterials(MATERIALS_PER_APPLICATION - 3, 1000);
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(parties[i % 2]!.token, jpeg(2000 + i), i)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    const refused = await Promise.all(replies.filter((r) => r.status === 409).map((r) => r.json()));
    for (const body of refused) expect(body).toMatchObject({ code: 'MATERIALS_LIMIT' });
    expect(await server.ctx.db.judicialMaterial.count({ where: { applicationId } })).toBe(MATERIALS_PER_APPLICATION);
    expect(stored()).toBe(3);
  });

  it('the bytes: 8 uploads of 1 MB at once with 2.5 MB left → exactly 2 stored', async () => {
    await server.ctx.db.judicialMaterial.deleteMany({ where: { applicationId, displayName: { startsWith: '旧材料' } } });
    const left = 2.5 * 1024 * 1024;
    await seedMaterials(1, MATERIAL_BYTES_PER_APPLICATION - left - (await usedBytes()));
    const before = stored();
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(parties[i % 2]!.token, jpeg(1024 * 1024 + i), i)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(2);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(6);
    expect(await usedBytes()).toBeLessThanOrEqual(MATERIAL_BYTES_PER_APPLICATION);
    expect(stored()).toBe(before + 2);
  });
});

async function usedBytes(): Promise<number> {
  return (await server.ctx.db.judicialMaterial.aggregate({ where: { applicationId }, _sum: { bytes: true } }))._sum.bytes ?? 0;
}
