// `npm run audit -- verify`: checks the audit chain in the data folder's database (every link)
// and against every seal in data/audit-seals.jsonl; says where it breaks. `npm run audit -- seal`
// seals the current head on demand (a running server also seals on its own timer and at shutdown).
// Exit code 0 = verified / sealed, 1 = broken or failed, 2 = usage.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { openDb } from '../db.ts';
import { loadSigningIdentity } from '../signing/org-identity.ts';
import { verifyAuditChain } from './log.ts';
import { AuditSealer, sealKeyFromIdentity } from './seals.ts';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'verify' && command !== 'seal') {
    console.error('用法 usage: npm run audit -- verify | seal');
    return 2;
  }
  const config = loadConfig();
  const devKey = path.join(config.dataDir, 'signing', 'org-signing-key.pem');
  if (!existsSync(config.databaseFile) || (!config.signing.keyFile && !existsSync(devKey))) {
    console.error(`${config.dataDir} 中没有数据库或签名密钥 / no database or signing key in the data folder`);
    return 1;
  }
  const db = openDb(config.databaseFile);
  try {
    const identity = loadSigningIdentity({ dataDir: config.dataDir, orgName: '', keyFile: config.signing.keyFile, certFile: config.signing.certFile });
    const sealer = new AuditSealer(db, config.dataDir, sealKeyFromIdentity(identity));
    if (command === 'seal') {
      const { sealed, seal } = await sealer.seal();
      console.log(
        seal ? `${sealed ? '已封印 sealed' : '已有封印 already sealed'}: #${seal.seq} ${seal.hash} (${seal.at})` : '审计日志为空 / the audit log is empty',
      );
      return 0;
    }
    const chain = await verifyAuditChain(db);
    const seals = await sealer.verify();
    console.log(chain.ok ? `审计链完整 chain intact: ${chain.checked} 条 entries` : `审计链断裂 chain BROKEN at #${chain.brokenAt}: ${chain.reason}`);
    if (seals.ok) {
      console.log(
        `封印核验通过 seals verified: ${seals.seals} 个 seals` +
          (seals.lastGood ? `, 最新 latest #${seals.lastGood.seq} (${seals.lastGood.at})` : '（尚无封印 none yet）') +
          (seals.unsealedAfter !== null ? `; 第 ${seals.unsealedAfter + 1} 条起尚未封印 entries after #${seals.unsealedAfter} not sealed yet` : ''),
      );
    } else {
      console.log(`封印核验失败 seals CONTRADICT the chain: ${seals.reason}`);
    }
    return chain.ok && seals.ok ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

process.exitCode = await main(process.argv[2]);
