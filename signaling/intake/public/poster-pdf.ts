// The poster a centre prints and puts up (window, community notice boards, the property office):
// a large QR code to /apply with a few plain lines of what happens next. A4, the project's
// TrueType Chinese font embedded as a subset (signaling/signing/pdf-font.ts).
import { PDFDocument, rgb } from 'pdf-lib';
import QRCode from 'qrcode';
import { embedAgreementFont } from '../../signing/pdf-font.ts';

const A4 = { width: 595.28, height: 841.89 };

export function posterLines(centreName: string): { title: string; subtitle: string; steps: string[]; footer: string } {
  return {
    title: '有纠纷 · 申请调解',
    subtitle: `${centreName} 网上受理`,
    steps: [
      '1. 用手机扫描二维码，阅读并同意个人信息处理告知',
      '2. 验证手机号，填写您和对方的信息、发生了什么（可附照片）',
      '3. 提交后收到登记号和进度查询链接，每一步都会短信告知',
    ],
    footer: '不方便网上申请？欢迎到中心窗口或拨打中心电话办理。',
  };
}

export async function renderApplyPoster(centreName: string, applyUrl: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${centreName} 申请调解二维码`);
  const text = posterLines(centreName);
  const all = [text.title, text.subtitle, ...text.steps, text.footer, applyUrl].join('');
  const font = await embedAgreementFont(doc, all);
  const page = doc.addPage([A4.width, A4.height]);
  const centred = (t: string, y: number, size: number, color = rgb(0, 0, 0)) =>
    page.drawText(t, { x: (A4.width - font.widthOfTextAtSize(t, size)) / 2, y, size, font, color });

  page.drawRectangle({ x: 0, y: A4.height - 150, width: A4.width, height: 150, color: rgb(0.11, 0.37, 0.66) });
  centred(text.title, A4.height - 85, 40, rgb(1, 1, 1));
  centred(text.subtitle, A4.height - 125, 20, rgb(1, 1, 1));

  const qr = QRCode.create(applyUrl, { errorCorrectionLevel: 'Q' });
  const size = 300;
  const cell = size / qr.modules.size;
  const x0 = (A4.width - size) / 2;
  const top = A4.height - 190;
  for (let r = 0; r < qr.modules.size; r++) {
    for (let c = 0; c < qr.modules.size; c++) {
      if (qr.modules.get(r, c)) page.drawRectangle({ x: x0 + c * cell, y: top - (r + 1) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
  centred(applyUrl, top - size - 28, 12, rgb(0.25, 0.25, 0.25));
  let y = top - size - 80;
  for (const step of text.steps) {
    page.drawText(step, { x: 70, y, size: 15, font });
    y -= 32;
  }
  centred(text.footer, 70, 13, rgb(0.3, 0.3, 0.3));
  return doc.save();
}
