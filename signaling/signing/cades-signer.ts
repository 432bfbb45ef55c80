// CMS SignedData for a PDF signature of subfilter ETSI.CAdES.detached (PAdES baseline B-B):
// detached SHA-256 digest of the signed byte ranges, signed attributes contentType,
// messageDigest and ESS signingCertificateV2 (the hash of our certificate, which the stock
// @signpdf P12 signer leaves out), RSA PKCS#1 v1.5 signature, the certificate chain included so
// the PDF verifies on its own. No signing-time attribute: PAdES takes the time from the
// signature dictionary's /M.
import { createHash, sign as rsaSign } from 'node:crypto';
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';
import type { SigningIdentity } from './org-identity.ts';

const { asn1 } = forge;
const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const nul = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
const fromDer = (b: Buffer) => asn1.fromDer(b.toString('binary'));
const toDer = (a: forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const attribute = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);

/** issuer Name and serialNumber of a DER certificate, as ASN.1 (copied, not re-encoded). */
function issuerAndSerial(certDer: Buffer): { issuer: forge.asn1.Asn1; serial: forge.asn1.Asn1 } {
  const tbs = (fromDer(certDer).value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  // TBSCertificate: [0] version, serialNumber, signature, issuer, …
  const hasVersion = tbs[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  return { serial: tbs[hasVersion ? 1 : 0]!, issuer: tbs[hasVersion ? 3 : 2]! };
}

/** DER of the signed attributes as a SET: what the signature covers (RFC 5652 5.4). */
export function signedAttributes(contentDigest: Buffer, certDer: Buffer): forge.asn1.Asn1[] {
  const { issuer, serial } = issuerAndSerial(certDer);
  const essCertIdV2 = seq([
    // hashAlgorithm omitted: DEFAULT sha256
    octets(createHash('sha256').update(certDer).digest()),
    seq([seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer])]), serial]),
  ]);
  const attrs = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(contentDigest)),
    attribute(OID.signingCertificateV2, seq([seq([essCertIdV2])])),
  ];
  // DER: the elements of a SET OF in the order of their encodings.
  return attrs
    .map((a) => ({ a, der: toDer(a) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((x) => x.a);
}

export function cadesSignature(signedBytes: Buffer, identity: SigningIdentity): Buffer {
  const cert = identity.chain[0]!;
  const attrs = signedAttributes(createHash('sha256').update(signedBytes).digest(), cert);
  const signature = rsaSign('sha256', toDer(set(attrs)), identity.key);
  const { issuer, serial } = issuerAndSerial(cert);
  const digestAlg = seq([oid(OID.sha256)]);
  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    digestAlg,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attrs),
    seq([oid(OID.rsaEncryption), nul()]),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([digestAlg]),
    seq([oid(OID.data)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, identity.chain.map(fromDer)),
    set([signerInfo]),
  ]);
  return toDer(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

export class CadesSigner extends Signer {
  constructor(private readonly identity: SigningIdentity) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return cadesSignature(pdfBuffer, this.identity);
  }
}
