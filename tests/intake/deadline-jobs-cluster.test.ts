// Two real nodes (separate processes) share one database and one real Redis: each due reminder and
// 督办 runs exactly once across them, through BullMQ. Both nodes scan the job table every second and
// race for every due job; matters are registered three days in the past so all their jobs are due at
// once. Exactly once is checked three ways: every job row DONE after a single pick-up (attempts 1:
// BullMQ delivered it to one worker once), one history step per job, and BullMQ's own completed count.
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../signaling/db.ts';
import { DEADLINE_QUEUE } from '../../signaling/deadlines/bull-dispatch.ts';
import { loadOrCreateSecrets } from '../../signaling/secrets.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { eventually } from '../support/wait.ts';
import { registerAt, staffInUnit } from './deadline-support.ts';

const MATTERS = 40;

describe('deadline jobs on two nodes with BullMQ', () => {
  let cluster: TestCluster;
  let db: Db;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: { DEADLINE_SCAN_SEC: '1' } });
    db = openDb(path.join(cluster.dataDir, 'jiefen.db'), loadOrCreateSecrets(cluster.dataDir).secrets.dataKeys);
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
    await cluster?.close();
  });

  it('runs each due job exactly once across the nodes', async () => {
    const owner = await staffInUnit(db, cluster.nodes[0]!.url, {
      username: 'dispatcher-c',
      displayName: '周受理',
      role: 'DISPATCHER',
      unitCode: 'centre-office',
    });
    const threeDaysAgo = new Date(Date.now() - 72 * 3600_000);
    const ids: string[] = [];
    for (let i = 0; i < MATTERS; i++) ids.push((await registerAt(db, owner, threeDaysAgo, { title: `物业费纠纷 ${i + 1}` })).id);
    const jobs = MATTERS * 3;

    const done = await eventually(async () => {
      const rows = await db.scheduledJob.findMany({ where: { matterId: { in: ids } } });
      expect(rows).toHaveLength(jobs);
      expect(rows.filter((r) => r.status !== 'DONE')).toEqual([]);
      return rows;
    }, 60_000);
    expect(done.filter((r) => r.attempts !== 1)).toEqual([]);
    const events = await db.matterEvent.groupBy({
      by: ['matterId', 'type'],
      where: { matterId: { in: ids }, type: { in: ['REMINDED', 'ESCALATED'] } },
      _count: { _all: true },
    });
    expect(events).toHaveLength(MATTERS * 2);
    for (const e of events) expect([e.type, e._count._all]).toEqual([e.type, e.type === 'REMINDED' ? 1 : 2]);

    const queue = new Queue(DEADLINE_QUEUE, { connection: { url: cluster.redis.url }, prefix: 'jiefen' });
    try {
      const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      expect(counts).toEqual({ completed: jobs, failed: 0, waiting: 0, active: 0, delayed: 0 });
    } finally {
      await queue.close();
    }
    // Which node ran how many (reported; BullMQ decides the split).
    const byNode = new Map<string, number>();
    for (const r of done) byNode.set(r.ranBy ?? '?', (byNode.get(r.ranBy ?? '?') ?? 0) + 1);
    console.log(`deadline jobs per node: ${[...byNode.values()].join(' / ')} of ${jobs}`);
    expect([...byNode.keys()].every((k) => /^[0-9a-f-]{36}$/.test(k))).toBe(true);
  }, 120_000);
});
