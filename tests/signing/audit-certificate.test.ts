// The audit certificate's content: each signer with identity method, time, and a digest of address and device;
// the session's total, joint and per-side caucus time; the hashes a judge compares.
import { expect, it } from 'vitest';
import { certificateLines, deviceOf, environmentDigest, type CertificateData } from '../../signaling/signing/audit-certificate.ts';

const KEY = 'k'.repeat(43);
const UA = 'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0';
const at = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00+08:00`);
const data: CertificateData = {
  orgName: '青山区人民调解委员会',
  caseNumber: '青山调〔2026〕第12号',
  contentSha256: 'c'.repeat(64),
  versionSeq: 2,
  lockedAt: at('10:00'),
  signers: [
    {
      name: '刘某',
      role: '申请人',
      identityMethod: 'NAME_ID_LAST4+SMS_OTP',
      at: at('10:05'),
      environmentDigest: environmentDigest(KEY, { roundId: 'round-1', signerId: 'p1', ip: '10.1.2.3', userAgent: UA }),
    },
    {
      name: '李瑞芳',
      role: '人民调解员',
      identityMethod: 'STAFF_SESSION',
      at: at('10:20'),
      environmentDigest: environmentDigest(KEY, {
        roundId: 'round-1',
        signerId: 'u1',
        ip: '10.0.0.2',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36',
      }),
    },
  ],
  session: { firstJoin: at('09:00'), lastEnd: at('10:00'), caucusSecA: 20 * 60, caucusSecB: 15 * 60 },
  auditHead: { seq: 88, hash: 'd'.repeat(64) },
  verifyUrl: 'https://tiaojie.example.cn/verify/abc',
  rootFingerprint: 'e'.repeat(64),
};

it('lists signers, identity methods, times (Beijing), session times and the hashes; IP and device only as a digest', () => {
  const text = certificateLines(data).join('\n');
  expect(text).toContain(
    `1. 刘某（申请人）｜身份核验：姓名与身份证号后四位核对 + 手机短信验证码｜签署时间：2026-03-02 10:05:00（北京时间）｜签署 IP 与设备：存于本机构的签署记录（摘要 ${data.signers[0]!.environmentDigest}）`,
  );
  // PIPL: every party receives this page; the address and the device stay in the sealed record.
  expect(text).not.toContain('10.1.2.3');
  expect(text).not.toMatch(/Android|微信|Windows/);
  expect(text).toContain('2. 李瑞芳（人民调解员）｜身份核验：调解员账号登录');
  expect(text).toContain('在线调解总时长：1 小时，其中联合调解约 25 分钟');
  expect(text).toContain('背对背单独沟通时长：甲方 20 分钟，乙方 15 分钟');
  expect(text).toContain(`协议内容摘要（SHA-256）：${'c'.repeat(64)}`);
  expect(text).toContain(`审计日志：第 88 条，链头摘要 ${'d'.repeat(64)}`);
  expect(text).toContain('https://tiaojie.example.cn/verify/abc');
});

it('says so when no online session took place', () => {
  const text = certificateLines({ ...data, session: { firstJoin: null, lastEnd: null, caucusSecA: 0, caucusSecB: 0 } }).join('\n');
  expect(text).toContain('未使用在线调解室');
  expect(text).not.toContain('总时长');
});

it('names devices from user agents', () => {
  expect(deviceOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1')).toBe('iOS · Safari');
  expect(deviceOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Edg/130.0 Chrome/130.0')).toBe('macOS · Edge');
  expect(deviceOf('curl/8.0')).toBe('未知系统 · 浏览器');
});

it('the environment digest changes with the IP address or the device, and needs the server key', () => {
  const base = { roundId: 'r', signerId: 's', ip: '10.1.2.3', userAgent: UA };
  const d = environmentDigest(KEY, base);
  expect(d).toMatch(/^[0-9a-f]{64}$/);
  expect(environmentDigest(KEY, { ...base, ip: '10.1.2.4' })).not.toBe(d);
  expect(environmentDigest(KEY, { ...base, userAgent: 'curl/8.0' })).not.toBe(d);
  expect(environmentDigest('x'.repeat(43), base)).not.toBe(d);
});
