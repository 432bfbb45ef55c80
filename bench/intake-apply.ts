// Public applications per second and their latency (#15 bench, the "apply" half of
// `npm run bench -- intake`): N people apply through the real API of a running server, each from
// its own address (X-Forwarded-For, as through the centre's reverse proxy) and its own phone. The
// code and its verification are set-up; what is timed is the submission (POST /api/apply), from
// request to the registered matter's answer. Target: p95 ≤ 100 ms.
//
// The server must run with SMS_PROVIDER=dev (the codes are read from <dataDir>/dev-sms-outbox.log),
// TRUST_PROXY=127.0.0.1 (so each application counts for its own address) and at least one active
// DISPATCHER (online matters need one on duty).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { percentile } from './lib/stats.ts';

export interface ApplyBenchOptions {
  baseUrl: string;
  dataDir: string;
  /** How many applications (default 200). */
  count?: number;
  /** Applications in flight at once (default 4). `perSecond` counts whole applications (code, verification, submission) per second of the run. */
  concurrency?: number;
  /** One small photo with each application (default true). */
  withPhoto?: boolean;
}

export interface ApplyBenchResult {
  count: number;
  perSecond: number;
  p50_ms: number;
  p95_ms: number;
}

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Reads the codes the development SMS provider appends, from where it was last read. */
class CodeReader {
  #offset = 0;
  #codes = new Map<string, string>();
  constructor(private readonly file: string) {}

  code(phone: string): string | undefined {
    let size = 0;
    try {
      size = statSync(this.file).size;
    } catch {
      return undefined;
    }
    if (size > this.#offset) {
      const buf = Buffer.alloc(size - this.#offset);
      const fd = openSync(this.file, 'r');
      try {
        readSync(fd, buf, 0, buf.length, this.#offset);
      } finally {
        closeSync(fd);
      }
      const text = buf.toString('utf8');
      const complete = text.lastIndexOf('\n') + 1;
      this.#offset += Buffer.byteLength(text.slice(0, complete));
      for (const line of text.slice(0, complete).split('\n').filter(Boolean)) {
        const { to, text: sms } = JSON.parse(line) as { to: string; text: string };
        const m = /验证码 (\d{6})/.exec(sms);
        if (m) this.#codes.set(to, m[1]!);
      }
    }
    return this.#codes.get(phone);
  }
}

async function post(url: string, body: unknown, address: string): Promise<{ status: number; body: { ticket?: string; code?: string } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { ticket?: string; code?: string } };
}

export async function measureApply(opts: ApplyBenchOptions): Promise<ApplyBenchResult> {
  const count = opts.count ?? 200;
  const concurrency = opts.concurrency ?? 4;
  const codes = new CodeReader(path.join(opts.dataDir, 'dev-sms-outbox.log'));
  const form = (await (await fetch(`${opts.baseUrl}/api/apply/form`)).json()) as { notice: { version: string } };
  const run = Date.now() % 1_000_000;
  const samples: number[] = [];
  let next = 0;

  const one = async (i: number) => {
    const phone = `13${String(run).padStart(6, '0').slice(-6)}${String(i).padStart(3, '0')}`.slice(0, 11);
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const sent = await post(`${opts.baseUrl}/api/apply/code`, { phone }, address);
    if (sent.status !== 200) throw new Error(`code for application ${i}: ${sent.status} ${sent.body.code}`);
    let code: string | undefined;
    for (let tries = 0; !(code = codes.code(phone)) && tries < 200; tries++) await new Promise((r) => setTimeout(r, 5));
    if (!code) throw new Error(`no code for application ${i}`);
    const verified = await post(`${opts.baseUrl}/api/apply/verify`, { phone, code }, address);
    if (!verified.body.ticket) throw new Error(`verify for application ${i}: ${verified.status} ${verified.body.code}`);
    const body = {
      noticeVersion: form.notice.version,
      consent: true,
      ticket: verified.body.ticket,
      applicant: { name: '测试申请人', phone },
      respondent: { kind: 'ORGANISATION', name: '某物业服务有限公司' },
      disputeType: 'PROPERTY_SERVICE',
      summary: '小区电梯多次停运，物业公司未按约定及时维修，业主要求减免物业费。',
      place: '青山区某小区',
      photos: opts.withPhoto === false ? [] : [{ fileName: 'photo.png', dataBase64: PNG_1PX }],
    };
    const t0 = performance.now();
    const res = await post(`${opts.baseUrl}/api/apply`, body, address);
    samples.push(performance.now() - t0);
    if (res.status !== 201) throw new Error(`application ${i}: ${res.status} ${res.body.code}`);
  };

  const worker = async () => {
    while (next < count) await one(next++);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const elapsedSec = (performance.now() - t0) / 1000;
  return {
    count,
    perSecond: Number((count / elapsedSec).toFixed(1)),
    p50_ms: Number((percentile(samples, 50) ?? 0).toFixed(1)),
    p95_ms: Number((percentile(samples, 95) ?? 0).toFixed(1)),
  };
}
