// `npm run verify -- file.pdf [--root <sha256>]`: checks an agreement PDF offline, from the file
// alone (signature, embedded certificates) — no server, no database, no network. Exit code 0 =
// valid (and, with --root, sealed by that organisation root), 1 = not, 2 = usage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyPdf } from './verify-pdf.ts';

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
    console.error('用法：npm run verify -- 协议书.pdf [--root 根证书SHA-256指纹]');
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    console.error(`无法读取 ${file}：${(err as Error).message}`);
    return 2;
  }
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
