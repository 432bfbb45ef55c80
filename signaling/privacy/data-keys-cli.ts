// `npm run data-keys -- rotate | reseal`: the key rotation of personal data at rest
// (signaling/privacy/key-rotation.ts; README: 数据加密密钥的轮换). Reads the same environment as the
// server (JIEFEN_DATA_DIR, DATA_KEYS_FILE). Exit code 0 = done, 1 = failed, 2 = usage.
import { ConfigError, loadConfig } from '../config.ts';
import { resealWithCurrentKey, rotateDataKey } from './key-rotation.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if ((command !== 'rotate' && command !== 'reseal') || rest.length) {
    console.error('用法：npm run data-keys -- rotate   （生成新的数据加密密钥并设为当前密钥；之后重启服务器）');
    console.error('      npm run data-keys -- reseal   （用当前密钥重新加密旧密钥加密的数据和文件）');
    return 2;
  }
  const config = loadConfig();
  if (command === 'rotate') {
    const id = rotateDataKey(config);
    console.log(`新的数据加密密钥 ${id} 已设为当前密钥。请重启服务器（所有节点），然后运行 npm run data-keys -- reseal。`);
    return 0;
  }
  const r = await resealWithCurrentKey(config);
  console.log(`已用密钥 ${r.keyId} 重新加密：数据库字段 ${r.values} 个，盲索引 ${r.indexes} 个，文件 ${r.files} 个。`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
