// `npm start` entry point: validated configuration, then the server, then how to log in.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  const credentialsFile = path.join(config.dataDir, 'admin-initial-password.txt');
  const { bootstrap } = server;

  const lines = ['', `  解纷 jiefen 已启动：${config.publicUrl}`, `  数据目录 data: ${config.dataDir}（SQLite${config.redisUrl ? ' + Redis' : '，单节点，无 Redis'}）`];
  if (bootstrap.created) {
    writeFileSync(credentialsFile, `username: ${bootstrap.adminUsername}\npassword: ${bootstrap.adminPassword}\n`, { mode: 0o600 });
    lines.push(
      '',
      '  首次启动，已创建管理员账号 / first start, administrator created:',
      `    登录地址 login:  ${config.publicUrl}/login`,
      `    用户名 username: ${bootstrap.adminUsername}`,
      `    密码 password:   ${bootstrap.adminPassword}`,
      `  （也保存在 ${credentialsFile}；登录后请在「账号管理」中创建调解员并修改密码）`,
    );
  } else {
    lines.push('', `  登录 log in: ${config.publicUrl}/login`);
    if (existsSync(credentialsFile)) lines.push(`  管理员初始密码见 initial admin password in: ${credentialsFile}`);
  }
  lines.push(`  接口文档 API docs: ${config.publicUrl}/docs`, '');
  console.log(lines.join('\n'));

  const shutdown = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(err);
  process.exit(1);
});
