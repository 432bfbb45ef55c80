// The audit certificate appended to a signed agreement (电子签署审计证明): who signed, in what
// role, how each identity was confirmed, when; the session
// summary (when the online session ran, how long each side had in 背对背); the locked content
// hash and the audit-chain head at issue time; and a QR code to the verification page. Laid out
// on its own page(s) after the agreement, numbered with the rest.
import { createHmac } from 'node:crypto';
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { breakLines } from './text-layout.ts';
import { formatChinaDateTime, formatDuration } from '../domain/china-time.ts';

export interface CertificateData {
  orgName: string;
  caseNumber: string;
  contentSha256: string;
  versionSeq: number;
  lockedAt: Date;
  /**
   * `environmentDigest`: HMAC of the signature's IP address and device as kept in the sealed
   * signing record (environmentDigest()). Every party receives this certificate, so it prints
   * the digest, not the address and device (PIPL art. 6): the court and the organisation compare
   * it with the record they can read.
   */
  signers: Array<{ name: string; role: string; identityMethod: string; at: Date; environmentDigest: string }>;
  session: { firstJoin: Date | null; lastEnd: Date | null; caucusSecA: number; caucusSecB: number };
  auditHead: { seq: number; hash: string } | null;
  verifyUrl: string;
  /** SHA-256 of the organisation's root certificate (what to pin when verifying the seal). */
  rootFingerprint: string;
}

const IDENTITY_METHODS: Record<string, string> = {
  'NAME_ID_LAST4+SMS_OTP': '姓名与身份证号后四位核对 + 手机短信验证码',
  STAFF_SESSION: '调解员账号登录',
};

/**
 * The digest of one signature's IP address and device (HMAC-SHA256 under the server's token key,
 * so the few billion IPv4 addresses cannot be tried against the printed digest). The organisation
 * and the court compare it with the sealed record the server shows them.
 */
export function environmentDigest(key: string, s: { roundId: string; signerId: string; ip: string; userAgent: string }): string {
  return createHmac('sha256', key).update(`signing-environment\n${s.roundId}\n${s.signerId}\n${s.ip}\n${s.userAgent}`).digest('hex');
}

const chinaTime = (d: Date) => `${formatChinaDateTime(d, { seconds: true })}（北京时间）`;

/** Short, readable device description from a user agent. */
export function deviceOf(ua: string): string {
  const os = /Android/i.test(ua)
    ? 'Android'
    : /iPhone|iPad/i.test(ua)
      ? 'iOS'
      : /Windows/i.test(ua)
        ? 'Windows'
        : /Mac OS X/i.test(ua)
          ? 'macOS'
          : /Linux/i.test(ua)
            ? 'Linux'
            : '未知系统';
  const browser = /MicroMessenger/i.test(ua)
    ? '微信'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /Firefox\//.test(ua)
            ? 'Firefox'
            : '浏览器';
  return `${os} · ${browser}`;
}

/** Every line of the certificate's text (the PDF draws these; tests read them back). */
export function certificateLines(d: CertificateData): string[] {
  const lines = [
    `出具机构：${d.orgName}`,
    `案件编号：${d.caseNumber}`,
    `签署版本：第 ${d.versionSeq} 版，锁定于 ${chinaTime(d.lockedAt)}`,
    `协议内容摘要（SHA-256）：${d.contentSha256}`,
    '签署人：',
    ...d.signers.map(
      (s, i) =>
        `${i + 1}. ${s.name}（${s.role}）｜身份核验：${IDENTITY_METHODS[s.identityMethod] ?? s.identityMethod}｜签署时间：${chinaTime(s.at)}｜签署 IP 与设备：存于本机构的签署记录（摘要 ${s.environmentDigest}）`,
    ),
    '在线调解：',
    d.session.firstJoin
      ? `首次进入调解室：${chinaTime(d.session.firstJoin)}${d.session.lastEnd ? `；结束：${chinaTime(d.session.lastEnd)}` : ''}`
      : '未使用在线调解室',
    ...(d.session.firstJoin && d.session.lastEnd
      ? [
          `在线调解总时长：${formatDuration(Math.round((d.session.lastEnd.getTime() - d.session.firstJoin.getTime()) / 1000))}，其中联合调解约 ${formatDuration(Math.max(0, Math.round((d.session.lastEnd.getTime() - d.session.firstJoin.getTime()) / 1000) - d.session.caucusSecA - d.session.caucusSecB))}`,
        ]
      : []),
    `背对背单独沟通时长：甲方 ${formatDuration(d.session.caucusSecA)}，乙方 ${formatDuration(d.session.caucusSecB)}`,
    d.auditHead ? `审计日志：第 ${d.auditHead.seq} 条，链头摘要 ${d.auditHead.hash}` : '审计日志：无',
    `机构签名根证书指纹（SHA-256）：${d.rootFingerprint}`,
    `核验：扫描二维码或访问 ${d.verifyUrl} 上传本文件，可核验是否为本机构出具的原件且未被修改。`,
  ];
  return lines;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 64;

/** `font`: the agreement's embedded font (one subset for the whole file). */
export async function addAuditCertificate(doc: PDFDocument, font: PDFFont, d: CertificateData): Promise<void> {
  let page: PDFPage = doc.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const title = '电子签署审计证明';
  page.drawText(title, { x: (A4.width - font.widthOfTextAtSize(title, 18)) / 2, y: y - 18, size: 18, font });
  y -= 40;

  const qrSize = 96;
  const qr = QRCode.create(d.verifyUrl, { errorCorrectionLevel: 'M' });
  const cell = qrSize / qr.modules.size;
  const qrX = A4.width - MARGIN - qrSize;
  const qrTop = y;
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) {
      if (qr.modules.get(r, c)) page.drawRectangle({ x: qrX + c * cell, y: qrTop - (r + 1) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }

  const size = 9.5;
  const measure = (t: string) => font.widthOfTextAtSize(t, size);
  for (const [i, text] of certificateLines(d).entries()) {
    // The first lines run beside the QR code.
    const width = A4.width - 2 * MARGIN - (y > qrTop - qrSize - 8 ? qrSize + 12 : 0);
    for (const line of breakLines(text, measure, width)) {
      if (y - size * 1.7 < MARGIN) {
        page = doc.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN;
      }
      page.drawText(line, { x: MARGIN, y: y - size, size, font });
      y -= size * 1.7;
    }
    if (i === 3 || text.endsWith('：')) y -= 2;
  }
}
