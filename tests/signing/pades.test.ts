// The organisation's PAdES seal on the agreement PDF: poppler's pdfsig (NSS) and our own
// verifier — which reads nothing but the PDF — both accept an issued file, both catch one flipped
// byte and appended data; the development identity is made once and kept; a configured
// certificate replaces it.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAgreement } from '../../signaling/agreement/document.ts';
import { demoAgreementDoc } from '../fixtures/demo-cases.ts';
import { loadBuiltinTemplates } from '../../signaling/agreement/template-loader.ts';
import { composeAgreementPdf, numberPages, type AgreementPdfInput } from '../../signaling/signing/agreement-pdf.ts';
import { generateDevIdentity, loadSigningIdentity, type SigningIdentity } from '../../signaling/signing/org-identity.ts';
import { sealPdf } from '../../signaling/signing/pades.ts';
import { verifyPdf } from '../../signaling/signing/verify-pdf.ts';
import { pdfsig, scratchDir, strokePng, writePdf } from './pdf-tools.ts';

const ORG = '青山区人民调解委员会';
let dataDir: string;
let identity: SigningIdentity;
let signed: Uint8Array;

const rootPem = () => readFileSync(path.join(dataDir, 'signing', 'org-signing-chain.pem'), 'utf8').split(/(?=-----BEGIN CERTIFICATE-----)/)[1]!;

beforeAll(async () => {
  dataDir = scratchDir();
  identity = loadSigningIdentity({ dataDir, orgName: ORG });
  const agreement = readAgreement(demoAgreementDoc(loadBuiltinTemplates(), 'neighbour'));
  const input: AgreementPdfInput = {
    agreement,
    signatures: agreement.parties.map((p) => ({ label: '当事人', name: p.name, png: strokePng(), date: '2026-03-02' })),
    mediator: { label: '人民调解员', name: '李瑞芳', png: strokePng(), date: '2026-03-02' },
    seal: strokePng(90, 90),
    date: '2026-03-02',
  };
  const { doc, font } = await composeAgreementPdf(input);
  numberPages(doc, font);
  signed = await sealPdf(doc, identity, {
    reason: '人民调解协议书',
    location: '包头市青山区',
    contactInfo: ORG,
    signingTime: new Date('2026-03-02T10:00:00+08:00'),
  });
});

describe('the sealed PDF', () => {
  it('pdfsig: a valid ETSI.CAdES.detached signature over the whole file, trusted once the root is', () => {
    const file = writePdf(signed);
    const report = pdfsig(file);
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain(`Signer Certificate Common Name: ${ORG}`);
    expect(pdfsig(file, rootPem())).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('our verifier, from the PDF alone: valid, who sealed it, when, and the root to pin', () => {
    const v = verifyPdf(signed, { pinnedRoots: [identity.rootFingerprint] });
    expect(v).toMatchObject({
      valid: true,
      problems: [],
      signed: true,
      coversWholeFile: true,
      signerName: ORG,
      signingTime: '2026-03-02T02:00:00.000Z',
      rootFingerprint: identity.rootFingerprint,
      trustedRoot: true,
    });
    expect(verifyPdf(signed, { pinnedRoots: ['00'.repeat(32)] }).trustedRoot).toBe(false);
  });

  it('one flipped byte: pdfsig reports a digest mismatch and so does our verifier', () => {
    const text = Buffer.from(signed).toString('latin1');
    const contentsStart = text.lastIndexOf('/Contents <');
    const contentsEnd = text.indexOf('>', contentsStart);
    // Start, middle and end of the file, never inside the signature value itself.
    const positions = [200, Math.floor(signed.length / 3), signed.length - 40].filter((at) => at < contentsStart || at > contentsEnd);
    expect(positions.length).toBe(3);
    for (const at of positions) {
      const tampered = Buffer.from(signed);
      tampered[at] = tampered[at]! ^ 0x01;
      const v = verifyPdf(tampered);
      expect(v.valid, `byte ${at}`).toBe(false);
      expect(v.problems.length).toBeGreaterThan(0);
      expect(pdfsig(writePdf(tampered)), `byte ${at}`).not.toContain('Signature Validation: Signature is Valid.');
    }
    const middle = Buffer.from(signed);
    middle[positions[1]!] = middle[positions[1]!]! ^ 0x01;
    expect(pdfsig(writePdf(middle))).toContain('Digest Mismatch');
    expect(verifyPdf(middle).problems).toContain('文件内容在签名后被修改（摘要不符）');
  });

  it('appended data: pdfsig says not the total document, our verifier refuses', () => {
    const appended = Buffer.concat([Buffer.from(signed), Buffer.from('\n% 追加的内容\n')]);
    expect(pdfsig(writePdf(appended))).toContain('Not total document signed');
    const v = verifyPdf(appended);
    expect(v.valid).toBe(false);
    expect(v.coversWholeFile).toBe(false);
    expect(v.problems).toContain('签名之后文件被追加了内容（签名未覆盖整个文件）');
  });

  it('an unsigned PDF is reported as unsigned', async () => {
    const v = verifyPdf(Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
    expect(v).toMatchObject({ valid: false, signed: false });
  });
});

describe('the signature dictionary', () => {
  it('names the reason, place, contact and signer in readable Chinese, and the file parses without repair', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    const log = console.log;
    console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
    console.log = (...a: unknown[]) => void warnings.push(a.join(' '));
    let doc: PDFDocument;
    try {
      doc = await PDFDocument.load(signed, { updateMetadata: false });
    } finally {
      console.warn = warn;
      console.log = log;
    }
    // pdf-lib says "Invalid object ref" / "Trying to parse invalid object" where a string broke the syntax.
    expect(warnings).toEqual([]);
    const sig = doc.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .find((o): o is PDFDict => o instanceof PDFDict && o.get(PDFName.of('Type')) === PDFName.of('Sig'))!;
    const text = (key: string) => (sig.lookup(PDFName.of(key)) as PDFString | PDFHexString).decodeText();
    expect([text('Reason'), text('Location'), text('ContactInfo'), text('Name')]).toEqual(['人民调解协议书', '包头市青山区', ORG, identity.signerName]);
  });
});

describe('npm run verify (offline, from the file alone)', () => {
  const run = (...args: string[]) =>
    spawnSync('npm', ['run', '-s', 'verify', '--', ...args], { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8' });
  it('says valid for the issued file (and checks the pinned root), invalid for a tampered one, with exit codes', () => {
    const file = writePdf(signed);
    const ok = run(file, '--root', identity.rootFingerprint);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('结论：有效');
    expect(ok.stdout).toContain(`签署机构：${ORG}`);
    expect(ok.stdout).toContain('根证书与指定指纹一致：是');
    const wrongRoot = run(file, '--root', 'ab'.repeat(32));
    expect(wrongRoot.status).toBe(1);
    const tampered = Buffer.from(signed);
    tampered[300] = tampered[300]! ^ 1;
    const bad = run(writePdf(tampered));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('结论：无效');
    expect(run().status).toBe(2);
  });
});

describe('the signing identity', () => {
  it('is generated once into the data folder (key readable by the owner only) and reused', () => {
    const again = loadSigningIdentity({ dataDir, orgName: ORG });
    expect(again.rootFingerprint).toBe(identity.rootFingerprint);
    expect(again.chain.map((c) => c.toString('hex'))).toEqual(identity.chain.map((c) => c.toString('hex')));
    expect(statSync(path.join(dataDir, 'signing', 'org-signing-key.pem')).mode & 0o077).toBe(0);
    expect(identity.chain).toHaveLength(2);
    expect(identity.signerName).toBe(ORG);
  });

  it('a configured key + certificate chain replaces it; half a configuration is refused', () => {
    const dir = scratchDir();
    const { keyPem, certPem } = generateDevIdentity('某某人民调解委员会');
    writeFileSync(path.join(dir, 'key.pem'), keyPem);
    writeFileSync(path.join(dir, 'chain.pem'), certPem);
    const configured = loadSigningIdentity({ dataDir: dir, orgName: ORG, keyFile: path.join(dir, 'key.pem'), certFile: path.join(dir, 'chain.pem') });
    expect(configured.signerName).toBe('某某人民调解委员会');
    expect(configured.rootFingerprint).not.toBe(identity.rootFingerprint);
    expect(() => loadSigningIdentity({ dataDir: dir, orgName: ORG, keyFile: path.join(dir, 'key.pem') })).toThrow(/同时配置/);
  });
});
