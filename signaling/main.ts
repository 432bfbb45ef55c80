// `npm start` entry point: validated configuration, then the server, then how to log in.
import { startBanner } from './bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { demoBanner, demoRequested, seedDemo } from './demo/demo-seed.ts';
import { installProcessGuards } from './process-guards.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  console.log(startBanner(config, server.bootstrap).join('\n'));
  // `npm start -- --demo` or JIEFEN_DEMO=1: a demo centre in a new data folder (signaling/demo/).
  if (demoRequested(process.argv, process.env)) console.log(demoBanner(await seedDemo(server), config.publicUrl).join('\n'));
  // Unhandled rejections are logged (the server keeps running), uncaught exceptions logged then
  // exit 1, SIGTERM/SIGINT stop gracefully (process-guards.ts).
  installProcessGuards(server, server.app.log, { stopTimeoutMs: config.stopTimeoutMs });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(err);
  process.exit(1);
});
