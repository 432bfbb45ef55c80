// `npm run verify -- file.pdf [--root <sha256>]`: checks an agreement PDF offline, from the file
// alone (signature, embedded certificates) — no server, no database, no network. Exit code 0 =
// valid (and, with --root, sealed by that organisation root), 1 = not, 2 = usage.
// `npm run verify -- 案卷包.zip [--root <sha256>]`: a court bundle (judicial/court-bundle-format.ts):
// the organisation's signature over manifest.json, then every listed file's SHA-256.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyBundle } from '../judicial/court-bundle-format.ts';
import { verifyPdf } from './verify-pdf.ts';

/** A zip starts with a local file header (PK\x03\x04). */
const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

function bundleReport(file: string, bytes: Buffer, roots: string[] | undefined): number {
  const v = verifyBundle(bytes, roots ? { pinnedRoots: roots } : {});
  const m = v.manifest;
  const ok = v.valid && v.trustedRoot !== false;
  const lines = [
    `案卷包：${file}`,
    ...(m
      ? [
          `案卷包编号：${m.bundleId}（导出于 ${m.createdAt}）`,
          `案件：${m.case.number}；法院：${m.court.name}（${m.court.code}）${m.application.courtCaseNumber ? `；案号：${m.application.courtCaseNumber}` : ''}`,
          `清单签署机构：${v.signerName ?? '未知'}；根证书指纹（SHA-256）：${v.rootFingerprint ?? '未知'}`,
          `文件：清单列出 ${m.files.length} 个，摘要一致 ${v.filesChecked} 个`,
          ...(v.trustedRoot === null
            ? ['（未指定 --root：只核验完整性与签名本身，未核验签署机构是否可信）']
            : [`根证书与指定指纹一致：${v.trustedRoot ? '是' : '否'}`]),
        ]
      : []),
    ok ? '结论：有效 —— 清单签名有效，每个文件与清单中的 SHA-256 一致' : `结论：无效 —— ${v.problems.join('；') || '签署机构根证书与指定的不一致'}`,
  ];
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
}

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { root: { type: 'string', multiple: true } } });
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    return 2;
  }
  const [file] = parsed.positionals;
  if (!file || parsed.positionals.length > 1) {
    console.error('用法：npm run verify -- 协议书.pdf|案卷包.zip [--root 根证书SHA-256指纹]');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    console.error(`无法读取 ${file}：${(err as Error).message}`);
    return 2;
  }
  if (isZip(bytes)) return bundleReport(file, bytes, parsed.values.root);
  const v = verifyPdf(bytes, parsed.values.root ? { pinnedRoots: parsed.values.root } : {});
  const lines = [
    `文件：${file}`,
    `文件摘要（SHA-256）：${v.documentSha256}`,
    `数字签名：${v.signed ? '有' : '无'}`,
    ...(v.signed
      ? [
          `签署机构：${v.signerName ?? '未知'}（${v.signerSubject ?? ''}）`,
          `签名时间：${v.signingTime ?? '未知'}`,
          `签名覆盖整个文件：${v.coversWholeFile ? '是' : '否'}`,
          `根证书指纹（SHA-256）：${v.rootFingerprint ?? '未知'}`,
          ...(v.trustedRoot === null
            ? ['（未指定 --root：只核验文件完整性与签名本身，未核验签署机构是否可信）']
            : [`根证书与指定指纹一致：${v.trustedRoot ? '是' : '否'}`]),
        ]
      : []),
    v.valid && v.trustedRoot !== false ? '结论：有效 —— 文件自签署后未被修改' : `结论：无效 —— ${v.problems.join('；') || '签署机构根证书与指定的不一致'}`,
  ];
  console.log(lines.join('\n'));
  return v.valid && v.trustedRoot !== false ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
