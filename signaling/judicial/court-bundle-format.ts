// The court bundle (案卷包) as a file, for courts that rule on their own platform: a zip holding
// every PDF and material of one judicial-confirmation application, `manifest.json` listing each
// file with its SHA-256 and the case/court identifiers, and `manifest.json.p7s`, the
// organisation's detached CMS signature over the manifest's exact bytes (the same signer as our
// PDFs). Verifying needs only the zip: the signature, then every listed file's hash, and nothing
// unlisted — no server, no database, no network. Pure: no prisma, no fastify.
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { unzipSync, zipSync } from 'fflate';
import { cadesSignature } from '../signing/cades-signer.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import { verifyDetachedCms } from '../signing/verify-pdf.ts';

export const BUNDLE_FORMAT = 'jiefen-court-bundle/1';
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIGNATURE = 'manifest.json.p7s';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const BundleManifest = Type.Object({
  format: Type.Literal(BUNDLE_FORMAT),
  bundleId: Type.String({ minLength: 1, maxLength: 64 }),
  createdAt: Type.String(),
  organisation: Type.Object({ name: Type.String(), rootFingerprint: Sha256 }),
  court: Type.Object({ name: Type.String(), code: Type.String() }),
  case: Type.Object({ number: Type.String() }),
  application: Type.Object({ id: Type.String(), courtCaseNumber: Type.Union([Type.String(), Type.Null()]), status: Type.String() }),
  files: Type.Array(
    Type.Object({
      // ASCII paths inside the zip (readable by any unzip); the Chinese title says what it is.
      path: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,120}$' }),
      title: Type.String(),
      kind: Type.String(),
      bytes: Type.Integer({ minimum: 0 }),
      sha256: Sha256,
    }),
  ),
});
export type BundleManifest = Static<typeof BundleManifest>;

export interface BundleFile {
  path: string;
  title: string;
  kind: string;
  bytes: Uint8Array;
}

export const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The zip: manifest, its signature, the files. `at` is also every entry's time (same input, same bytes). */
export function buildBundle(
  head: Omit<BundleManifest, 'format' | 'files' | 'createdAt'>,
  files: BundleFile[],
  identity: SigningIdentity,
  at: Date,
): { zip: Uint8Array; manifest: BundleManifest; manifestSha256: string } {
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    ...head,
    createdAt: at.toISOString(),
    files: files.map((f) => ({ path: f.path, title: f.title, kind: f.kind, bytes: f.bytes.length, sha256: sha256Hex(f.bytes) })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
  const entries: Record<string, Uint8Array> = {
    [MANIFEST]: manifestBytes,
    [MANIFEST_SIGNATURE]: cadesSignature(manifestBytes, identity),
  };
  for (const f of files) entries[f.path] = f.bytes;
  // PDFs and images are compressed already: stored (level 0) keeps export fast.
  const zip = zipSync(entries, { level: 0, mtime: at < new Date('1980-01-02') ? new Date('1980-01-02') : at });
  return { zip, manifest, manifestSha256: sha256Hex(manifestBytes) };
}

export interface BundleVerdict {
  valid: boolean;
  /** Chinese, one per problem found. */
  problems: string[];
  manifest: BundleManifest | null;
  /** Signer of the manifest and its root certificate's SHA-256. */
  signerName: string | null;
  rootFingerprint: string | null;
  /** null when no pinned roots were given. */
  trustedRoot: boolean | null;
  filesChecked: number;
}

/** Checks a bundle from its bytes alone (`npm run verify -- 案卷包.zip`, and the import of a ruling). */
export function verifyBundle(zip: Uint8Array, opts: { pinnedRoots?: string[] } = {}): BundleVerdict {
  const v: BundleVerdict = { valid: false, problems: [], manifest: null, signerName: null, rootFingerprint: null, trustedRoot: null, filesChecked: 0 };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch {
    v.problems.push('不是有效的 zip 压缩包（文件损坏或被截断）');
    return v;
  }
  const manifestBytes = entries[MANIFEST];
  const signature = entries[MANIFEST_SIGNATURE];
  if (!manifestBytes || !signature) {
    v.problems.push(`压缩包中缺少 ${MANIFEST} 或其签名 ${MANIFEST_SIGNATURE}`);
    return v;
  }
  const cms = verifyDetachedCms(Buffer.from(signature), Buffer.from(manifestBytes), opts);
  v.problems.push(...cms.problems.map((p) => `清单签名：${p}`));
  v.signerName = cms.signerName;
  v.rootFingerprint = cms.rootFingerprint;
  v.trustedRoot = cms.trustedRoot;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Value.Check(BundleManifest, parsed)) {
    v.problems.push('清单 manifest.json 格式无效');
    return v;
  }
  v.manifest = parsed;
  const listed = new Set<string>([MANIFEST, MANIFEST_SIGNATURE]);
  for (const f of parsed.files) {
    listed.add(f.path);
    const bytes = entries[f.path];
    if (!bytes) v.problems.push(`缺少文件 ${f.path}（${f.title}）`);
    else if (bytes.length !== f.bytes || sha256Hex(bytes) !== f.sha256) v.problems.push(`文件 ${f.path}（${f.title}）与清单中的 SHA-256 不符：已被修改`);
    else v.filesChecked++;
  }
  for (const name of Object.keys(entries)) if (!listed.has(name) && !name.endsWith('/')) v.problems.push(`清单中没有列出的文件：${name}`);
  v.valid = v.problems.length === 0;
  return v;
}
