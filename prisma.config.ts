// Prisma CLI configuration: the JS (wasm) schema engine with the better-sqlite3
// adapter, so migrations run offline (see ../shared/RECIPES.md).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { sqliteNativeBinding } from './signaling/sqlite-binding.ts';

const dataDir = path.resolve(process.env.JIEFEN_DATA_DIR ?? 'data');

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    // The addon built for this Node version (scripts/node-versions.mjs), when it is not node_modules' own.
    const nativeBinding = sqliteNativeBinding();
    return new PrismaBetterSQLite3({ url: `file:${path.join(dataDir, 'jiefen.db')}`, ...(nativeBinding ? { nativeBinding } : {}) });
  },
});
