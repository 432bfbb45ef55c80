// Verifies a PDF we issued from its bytes alone — no database, no network: the last signature's
// byte ranges must cover the whole file (nothing appended), the CMS messageDigest must equal the
// SHA-256 of those ranges (nothing changed), the RSA signature over the signed attributes must
// check against the embedded signing certificate, ESS signingCertificateV2 must name that
// certificate, and each certificate must be signed by the next up to the root, whose SHA-256
// fingerprint is reported (and compared with the pinned ones when given).
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;

export interface PdfVerdict {
  /** Signed, untouched, signature and certificates check out (trust in the root aside). */
  valid: boolean;
  /** Human-readable (Chinese) reasons when not valid. */
  problems: string[];
  signed: boolean;
  coversWholeFile: boolean;
  signerName: string | null;
  signerSubject: string | null;
  signingTime: string | null;
  rootFingerprint: string | null;
  /** null when no pinned fingerprints were given. */
  trustedRoot: boolean | null;
  /** The signed bytes' SHA-256 (identifies exactly this issued document). */
  documentSha256: string;
}

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const der = (a: forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const kids = (a: forge.asn1.Asn1) => a.value as forge.asn1.Asn1[];

interface SignatureSpan {
  byteRange: [number, number, number, number];
  contents: Buffer;
  /** /M of the signature dictionary, as written. */
  time: string | null;
}

function lastSignature(pdf: Buffer): SignatureSpan | null {
  const text = pdf.toString('latin1');
  const re = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | null = null;
  while ((m = re.exec(text))) last = m;
  if (!last) return null;
  const byteRange = last.slice(1, 5).map(Number) as [number, number, number, number];
  const [, b, c] = byteRange;
  if (text[b] !== '<' || text[c - 1] !== '>') return { byteRange, contents: Buffer.alloc(0), time: null };
  // The placeholder is zero-padded: cut the DER to the length its header states.
  const padded = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  const contents = padded.subarray(0, derLength(padded));
  // The signature dictionary around this /ByteRange: its /M (date) entry.
  const dict = text.slice(Math.max(0, last.index - 2000), Math.min(text.length, c + 2000));
  const time = dict.match(/\/M\s*\(D:(\d{14})([^)]*)\)/);
  return { byteRange, contents, time: time ? `${time[1]}${time[2]}` : null };
}

/** Total length of the DER element at the start of `b` (0 if it is not one). */
function derLength(b: Buffer): number {
  if (b.length < 2 || b[0] !== 0x30) return 0;
  const first = b[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return 0;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return Math.min(b.length, 2 + n + len);
}

function pdfDateToIso(d: string | null): string | null {
  const m = d?.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/);
  if (!m) return null;
  const tz = !m[7] || m[7] === 'Z' ? 'Z' : `${m[8]}${m[9]}:${m[10]}`;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${tz}`).toISOString();
}

export function verifyPdf(bytes: Uint8Array, opts: { pinnedRoots?: string[] } = {}): PdfVerdict {
  const pdf = Buffer.from(bytes);
  const verdict: PdfVerdict = {
    valid: false,
    problems: [],
    signed: false,
    coversWholeFile: false,
    signerName: null,
    signerSubject: null,
    signingTime: null,
    rootFingerprint: null,
    trustedRoot: null,
    documentSha256: createHash('sha256').update(pdf).digest('hex'),
  };
  const problem = (p: string) => {
    verdict.problems.push(p);
    return verdict;
  };
  const sig = lastSignature(pdf);
  if (!sig) return problem('文件中没有数字签名：不是本系统出具的已签署协议，或签名已被去除');
  verdict.signed = true;
  const [a, b, c, d] = sig.byteRange;
  verdict.coversWholeFile = a === 0 && b < c && c + d === pdf.length;
  if (!verdict.coversWholeFile) problem(c + d < pdf.length ? '签名之后文件被追加了内容（签名未覆盖整个文件）' : '签名范围与文件不符');
  if (c + d > pdf.length || sig.contents.length === 0) return problem('签名数据损坏');
  verdict.signingTime = pdfDateToIso(sig.time);

  const signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const cms = verifyDetachedCms(sig.contents, signedBytes, opts);
  verdict.problems.push(...cms.problems);
  verdict.signerName = cms.signerName;
  verdict.signerSubject = cms.signerSubject;
  verdict.rootFingerprint = cms.rootFingerprint;
  verdict.trustedRoot = cms.trustedRoot;
  verdict.valid = verdict.problems.length === 0;
  return verdict;
}

export interface CmsVerdict {
  problems: string[];
  signerName: string | null;
  signerSubject: string | null;
  rootFingerprint: string | null;
  /** null when no pinned fingerprints were given. */
  trustedRoot: boolean | null;
}

/**
 * A detached CMS SignedData (as cades-signer.ts writes it) over `signedBytes`: the messageDigest,
 * the signature over the signed attributes, signingCertificateV2 and the chain up to its root.
 * Shared by PDF signatures and the court bundle's manifest signature.
 */
export function verifyDetachedCms(cms: Buffer, signedBytes: Buffer, opts: { pinnedRoots?: string[] } = {}): CmsVerdict {
  const out: CmsVerdict = { problems: [], signerName: null, signerSubject: null, rootFingerprint: null, trustedRoot: null };
  const problem = (p: string) => {
    out.problems.push(p);
    return out;
  };
  let signedData: forge.asn1.Asn1;
  try {
    const contentInfo = asn1.fromDer(cms.toString('binary'));
    signedData = kids(kids(contentInfo)[1]!)[0]!;
  } catch {
    return problem('签名数据无法解析');
  }
  // A structure other than the one we write (a forged or broken signature) is a problem, not a crash.
  try {
    const parts = kids(signedData);
    const certSet = parts.find((p) => p.tagClass === asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
    const certs = certSet ? kids(certSet).map((cert) => new X509Certificate(der(cert))) : [];
    const signerInfo = kids(parts[parts.length - 1]!)[0];
    if (!signerInfo || certs.length === 0) return problem('签名中缺少签名人证书');
    const si = kids(signerInfo);
    const signedAttrs = si.find((p) => p.tagClass === asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
    const signature = Buffer.from(si[si.length - 1]!.value as string, 'binary');
    if (!signedAttrs) return problem('签名缺少签名属性');
    const attrs = new Map(kids(signedAttrs).map((attr) => [asn1.derToOid(kids(attr)[0]!.value as string), kids(kids(attr)[1]!)[0]!]));

    // Which certificate signed: issuer + serial in the SignerInfo.
    const sid = kids(si[1]!);
    const serialHex = Buffer.from(sid[1]!.value as string, 'binary')
      .toString('hex')
      .replace(/^0+/, '')
      .toUpperCase();
    const leaf = certs.find((x) => x.serialNumber.replace(/^0+/, '').toUpperCase() === serialHex) ?? certs[0]!;
    out.signerSubject = leaf.subject.replace(/\n/g, ', ');
    out.signerName = leaf.subject.match(/CN=([^\n]+)/)?.[1] ?? null;

    const digest = attrs.get(OID_MESSAGE_DIGEST);
    if (!digest || !Buffer.from(digest.value as string, 'binary').equals(createHash('sha256').update(signedBytes).digest()))
      problem('文件内容在签名后被修改（摘要不符）');
    const attrsDer = der(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, kids(signedAttrs)));
    if (!cryptoVerify('sha256', attrsDer, leaf.publicKey, signature)) problem('签名值校验失败');
    const essV2 = attrs.get(OID_SIGNING_CERT_V2);
    const essHash = essV2 ? Buffer.from(kids(kids(kids(essV2)[0]!)[0]!)[0]!.value as string, 'binary') : null;
    if (!essHash || !essHash.equals(createHash('sha256').update(leaf.raw).digest())) problem('签名证书标识（signingCertificateV2）与证书不符');

    // The chain: each certificate issued by the next one it names.
    let current = leaf;
    for (let guard = 0; guard < 5; guard++) {
      const issuer = certs.find((x) => x !== current && current.checkIssued(x));
      if (!issuer) break;
      if (!current.verify(issuer.publicKey)) problem('证书链校验失败');
      current = issuer;
    }
    if (!(current.checkIssued(current) && current.verify(current.publicKey))) problem('证书链不完整：找不到根证书');
    out.rootFingerprint = createHash('sha256').update(current.raw).digest('hex');
    if (opts.pinnedRoots) out.trustedRoot = opts.pinnedRoots.map((f) => f.toLowerCase().replace(/[^0-9a-f]/g, '')).includes(out.rootFingerprint);
  } catch {
    return problem('签名数据结构无效');
  }
  return out;
}
