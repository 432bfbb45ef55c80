// The organisation's signing identity for PDFs: a private key and a certificate chain (signing
// certificate first, then its issuers). On first start a development identity is generated into
// the git-ignored data folder — an organisation root CA and a document-signing certificate it
// issued — and used from then on; a real certificate replaces it through configuration
// (SIGNING_KEY_FILE + SIGNING_CERT_FILE, PEM, the cert file holding the chain).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface SigningIdentity {
  key: KeyObject;
  /** DER certificates: [0] the signing certificate, then its issuers up to the root. */
  chain: Buffer[];
  /** SHA-256 of the root (last) certificate, hex: what a court can pin. */
  rootFingerprint: string;
  /** The signing certificate's subject common name. */
  signerName: string;
}

const pemToDers = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(m[0]))).getBytes(), 'binary'),
  );

export function identityFromPem(keyPem: string, certPem: string): SigningIdentity {
  const chain = pemToDers(certPem);
  if (chain.length === 0) throw new Error('签名证书文件中没有证书（需要 PEM 格式）');
  const leaf = forge.pki.certificateFromAsn1(forge.asn1.fromDer(chain[0]!.toString('binary')));
  const cn = leaf.subject.getField('CN');
  return {
    key: createPrivateKey(keyPem),
    chain,
    rootFingerprint: createHash('sha256')
      .update(chain[chain.length - 1]!)
      .digest('hex'),
    // forge hands attribute values back as UTF-8 byte strings.
    signerName: typeof cn?.value === 'string' ? forge.util.decodeUtf8(cn.value) : '未知签名人',
  };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive
  return b.toString('hex');
}

/** A development identity: organisation root CA (20 years) → document-signing certificate (5 years). */
export function generateDevIdentity(orgName: string): { keyPem: string; certPem: string } {
  const toForge = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const key = forge.pki.privateKeyFromPem(pem);
    return { pem, key, pub: forge.pki.setRsaPublicKey(key.n, key.e) };
  };
  const now = new Date();
  const years = (n: number) => new Date(now.getTime() + n * 365 * 24 * 3600 * 1000);
  const rootKey = toForge();
  const rootSubject = [
    { name: 'commonName', value: `${orgName} 文书签名根证书（开发用）`, valueTagClass: forge.asn1.Type.UTF8 },
    { name: 'organizationName', value: orgName, valueTagClass: forge.asn1.Type.UTF8 },
    { name: 'countryName', value: 'CN' },
  ] as forge.pki.CertificateField[]; // forge UTF-8-encodes UTF8String values itself
  const root = forge.pki.createCertificate();
  root.publicKey = rootKey.pub;
  root.serialNumber = serial();
  root.validity.notBefore = new Date(now.getTime() - 60_000);
  root.validity.notAfter = years(20);
  root.setSubject(rootSubject);
  root.setIssuer(rootSubject);
  root.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  root.sign(rootKey.key, forge.md.sha256.create());

  const leafKey = toForge();
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKey.pub;
  leaf.serialNumber = serial();
  leaf.validity.notBefore = new Date(now.getTime() - 60_000);
  leaf.validity.notAfter = years(5);
  leaf.setSubject([
    { name: 'commonName', value: orgName, valueTagClass: forge.asn1.Type.UTF8 },
    { name: 'organizationName', value: orgName, valueTagClass: forge.asn1.Type.UTF8 },
    { name: 'countryName', value: 'CN' },
  ] as forge.pki.CertificateField[]);
  leaf.setIssuer(rootSubject);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: root.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(rootKey.key, forge.md.sha256.create());
  return { keyPem: leafKey.pem, certPem: forge.pki.certificateToPem(leaf) + forge.pki.certificateToPem(root) };
}

/**
 * The configured identity, or the development one in `<dataDir>/signing/` (created on first use;
 * the private key file is readable by the owner only).
 */
export function loadSigningIdentity(opts: { dataDir: string; orgName: string; keyFile?: string | undefined; certFile?: string | undefined }): SigningIdentity {
  if (opts.keyFile || opts.certFile) {
    if (!opts.keyFile || !opts.certFile) throw new Error('SIGNING_KEY_FILE 与 SIGNING_CERT_FILE 需同时配置');
    return identityFromPem(readFileSync(opts.keyFile, 'utf8'), readFileSync(opts.certFile, 'utf8'));
  }
  const dir = path.join(opts.dataDir, 'signing');
  const keyFile = path.join(dir, 'org-signing-key.pem');
  const certFile = path.join(dir, 'org-signing-chain.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { keyPem, certPem } = generateDevIdentity(opts.orgName);
    writeFileSync(certFile, certPem);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
  }
  return identityFromPem(readFileSync(keyFile, 'utf8'), readFileSync(certFile, 'utf8'));
}
