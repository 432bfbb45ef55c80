// Online applications are screened as window registrations are: an application repeating a matter
// registered at the window (same person's phone, same place and dispute type — however spelt) is
// shown to the dispatcher as a possible duplicate on the matter, and a threat in what the person
// wrote raises the early warning (stored on the matter, recorded in its history, in 弱信号).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.ts';
import { unitStaff } from './desk-helpers.ts';
import { applicationBody, noticeVersion, post, verifiedTicket } from './public-support.ts';

interface Screening {
  flags: { key: string; label: string }[];
  duplicates: { matterId: string; registrationNo: string; channel: string; reasons: string[] }[];
}

describe('screening of online applications', () => {
  let server: TestServer;
  let dispatcher: { id: string; client: StaffClient };
  let version: string;

  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', 'wangshouli', '王受理');
    version = await noticeVersion(server.url);
  }, 120_000);
  afterAll(() => server?.close());

  /** `typed`: the phone as the person types it in the form (the code went to the number itself). */
  const applyOnline = async (phone: string, extra: Record<string, unknown>, typed = phone) => {
    const ticket = await verifiedTicket(server.url, server.dataDir, phone);
    const res = await post(`${server.url}/api/apply`, applicationBody(version, ticket, typed, extra));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return server.ctx.db.matter.findUniqueOrThrow({ where: { registrationNo: res.body.registrationNo as string }, include: { events: true } });
  };
  const screeningOf = (matterId: string) => dispatcher.client.json<Screening>('GET', `/api/intake/matters/${matterId}/screening`);

  it('an online application repeating a window registration is shown to the dispatcher as a possible duplicate', async () => {
    const window = await dispatcher.client.json<{ matter: { id: string; registrationNo: string } }>(
      'POST',
      '/api/intake/registrations',
      {
        channel: 'WINDOW',
        disputeType: 'NEIGHBOUR',
        title: '楼上漏水',
        summary: '六楼直饮水管道漏水，楼下天花板受损',
        place: '青山区幸福路 6 号楼',
        parties: [
          { role: 'APPLICANT', name: '李明', phone: '13700001111' },
          { role: 'RESPONDENT', name: '赵六' },
        ],
      },
      201,
    );
    // The same person online a week later spells the place with full-width digits and no spaces,
    // and the phone with +86 and spaces: one spelling after normalising, as at the desk.
    const online = await applyOnline('13700001111', { place: '青山区幸福路６号楼。', respondent: { kind: 'PERSON', name: '钱七' } }, '+86 137 0000 1111');
    expect(online).toMatchObject({ channel: 'ONLINE', riskFlags: '[]', place: '青山区幸福路6号楼' });

    const s = await screeningOf(online.id);
    expect(s.flags).toEqual([]);
    expect(s.duplicates).toHaveLength(1);
    expect(s.duplicates[0]).toMatchObject({ matterId: window.matter.id, registrationNo: window.matter.registrationNo, channel: 'WINDOW' });
    expect(s.duplicates[0]!.reasons.sort()).toEqual(['同一当事人（联系电话相同）', '同一地点的同类纠纷'].sort());
    // And the window matter now shows the online one.
    expect((await screeningOf(window.matter.id)).duplicates.map((d) => d.matterId)).toEqual([online.id]);
  });

  it('a threat in an online application raises the early warning', async () => {
    const online = await applyOnline('13700002222', {
      place: '青山区钢铁大街 9 号',
      summary: '对方多次堵我家门口，还说再不给钱就跟我同归于尽，我很害怕。',
    });
    expect(JSON.parse(online.riskFlags)).toEqual(['VIOLENCE_THREAT']);
    expect(online.events.find((e) => e.type === 'RISK_FLAGGED')).toBeDefined();
    expect((await screeningOf(online.id)).flags).toEqual([{ key: 'VIOLENCE_THREAT', label: '言语中有暴力倾向' }]);
    const { warnings } = await dispatcher.client.json<{ warnings: { id: string; flags: { key: string }[] }[] }>('GET', '/api/intake/warnings');
    expect(warnings.find((w) => w.id === online.id)?.flags.map((f) => f.key)).toEqual(['VIOLENCE_THREAT']);
  });
});
