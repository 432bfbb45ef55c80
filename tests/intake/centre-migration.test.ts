// A single-organisation install from before the centre: its database (made by the migrations of
// that time, with a mediator, a case and its number counter) is started with this version. The
// organisation must become the Qingshan centre's primary unit with everything it had, the other
// default units appear beside it, and its case numbering continues where it was.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { openDb } from '../../signaling/db.ts';
import { hashPassword } from '../../signaling/auth/password.ts';
import { loadOrCreateSecrets } from '../../signaling/secrets.ts';
import { startServer, type RunningServer } from '../../signaling/server.ts';
import { openSqlite } from '../../signaling/sqlite-binding.ts';
import { StaffClient } from '../support/server.ts';

const FIRST_CENTRE_MIGRATION = '20261226090000_centre_and_matters';
const MIGRATIONS = path.resolve('prisma/migrations');

/** The database as the install before the centre left it: its migrations applied and recorded as prisma does. */
function databaseBeforeTheCentre(file: string): void {
  const db = openSqlite(file);
  db.exec(`CREATE TABLE "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
    "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
  const older = readdirSync(MIGRATIONS)
    .filter((name) => /^\d{14}_/.test(name) && name < FIRST_CENTRE_MIGRATION)
    .sort();
  for (const name of older) {
    const sql = readFileSync(path.join(MIGRATIONS, name, 'migration.sql'), 'utf8');
    db.exec(sql);
    db.prepare(`INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, current_timestamp, ?, 1)`).run(
      name,
      createHash('sha256').update(sql).digest('hex'),
      name,
    );
  }
  db.close();
}

describe('an install from before the centre', () => {
  let dataDir: string;
  let server: RunningServer;
  const password = 'Mediator-2026-pass';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'jiefen-centre-migration-'));
    const file = path.join(dataDir, 'jiefen.db');
    databaseBeforeTheCentre(file);
    const old = openSqlite(file);
    const now = Date.now();
    old
      .prepare(`INSERT INTO Organisation (id, name, shortName, phone, createdAt) VALUES ('org-old', '青山区人民调解委员会', '青山', '0472-1234567', ?)`)
      .run(now);
    old
      .prepare(
        `INSERT INTO User (id, username, displayName, role, passwordHash, orgId, createdAt) VALUES ('u-med', 'liruifang', '李瑞芳', 'MEDIATOR', ?, 'org-old', ?)`,
      )
      .run(await hashPassword(password), now);
    old.prepare(`INSERT INTO CaseCounter (orgId, year, last) VALUES ('org-old', 2026, 7)`).run();
    old
      .prepare(
        `INSERT INTO "Case" (id, number, orgId, title, disputeType, summary, status, mediatorId, dueDate, createdAt, updatedAt)
         VALUES ('case-old', '青山调〔2026〕第7号', 'org-old', '六楼直饮水管道漏水', 'NEIGHBOUR', '楼下多户受损', 'MEDIATING', 'u-med', ?, ?, ?)`,
      )
      .run(now + 30 * 86_400_000, now, now);
    old.close();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' });
    server = await startServer(config, { logger: false });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the organisation as the centre primary unit, adds the default units and continues its numbering', async () => {
    const db = openDb(path.join(dataDir, 'jiefen.db'), loadOrCreateSecrets(dataDir).secrets.dataKeys);
    try {
      const centres = await db.centre.findMany({ include: { units: true } });
      expect(centres).toHaveLength(1);
      const centre = centres[0]!;
      expect(centre.name).toBe('青山区综治中心');
      const old = centre.units.find((u) => u.id === 'org-old');
      expect(old).toMatchObject({ code: 'committee', kind: 'PEOPLES_MEDIATION', name: '青山区人民调解委员会', phone: '0472-1234567' });
      expect(centre.units).toHaveLength(16);
      expect(new Set(centre.units.map((u) => u.shortName)).size).toBe(16);
      expect(centre.units.filter((u) => u.kind === 'CENTRE_OFFICE')).toHaveLength(1);
      const kept = await db.case.findUniqueOrThrow({ where: { id: 'case-old' } });
      expect(kept).toMatchObject({ orgId: 'org-old', number: '青山调〔2026〕第7号', status: 'MEDIATING', mediatorId: 'u-med' });
      // No first-start administrator: the install had staff already.
      expect(server.bootstrap.created).toBe(false);
    } finally {
      await db.$disconnect();
    }
    // The mediator still logs in and the next case of its unit is number 8.
    const staff = new StaffClient(server.url);
    expect((await staff.login('liruifang', password)).status).toBe(200);
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));
    const { case: created } = await staff.json<{ case: { number: string } }>(
      'POST',
      '/api/cases',
      { title: '房屋买卖尾款', disputeType: 'PROPERTY_SALE', summary: '业主张某与某房地产公司就剩余购房款及违约金发生争议' },
      201,
    );
    expect(created.number).toBe(year === 2026 ? '青山调〔2026〕第8号' : `青山调〔${year}〕第1号`);
  });

  it('is idempotent: a second start creates nothing more', async () => {
    await server.close();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JIEFEN_DATA_DIR: dataDir, LOG_LEVEL: 'warn', RTC_PORT: '0', MEDIASOUP_WORKERS: '1' });
    server = await startServer(config, { logger: false });
    const db = openDb(path.join(dataDir, 'jiefen.db'), loadOrCreateSecrets(dataDir).secrets.dataKeys);
    try {
      expect(await db.centre.count()).toBe(1);
      expect(await db.organisation.count()).toBe(16);
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});
