// The audit certificate's content: each signer with identity method, time, address and device;
// the session's total, joint and per-side caucus time; the hashes a judge compares.
import { expect, it } from 'vitest';
import { certificateLines, deviceOf, type CertificateData } from '../../signaling/signing/audit-certificate.ts';

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
      ip: '10.1.2.3',
      device: 'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36 MicroMessenger/8.0',
    },
    {
      name: '李瑞芳',
      role: '人民调解员',
      identityMethod: 'STAFF_SESSION',
      at: at('10:20'),
      ip: '10.0.0.2',
      device: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36',
    },
  ],
  session: { firstJoin: at('09:00'), lastEnd: at('10:00'), caucusSecA: 20 * 60, caucusSecB: 15 * 60 },
  auditHead: { seq: 88, hash: 'd'.repeat(64) },
  verifyUrl: 'https://tiaojie.example.cn/verify/abc',
  rootFingerprint: 'e'.repeat(64),
};

it('lists signers, identity methods, times (Beijing), devices, session times and the hashes', () => {
  const text = certificateLines(data).join('\n');
  expect(text).toContain(
    '1. 刘某（申请人）｜身份核验：姓名与身份证号后四位核对 + 手机短信验证码｜签署时间：2026-03-02 10:05:00（北京时间）｜IP：10.1.2.3｜设备：Android · 微信',
  );
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
