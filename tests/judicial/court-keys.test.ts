// #17 item 10: a court's signing identity comes from outside (COURT_KEYS_DIR, one PEM pair per
// court code). Production never generates one: a court without its pair stops the start with a
// message naming the files; development mode (recognised by JIEFEN_MODE, else NODE_ENV) generates
// a key marked 开发用 into the data folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../signaling/config.ts';
import { CourtIdentities } from '../../signaling/judicial/court-identity.ts';
import { generateDevIdentity, identityFromPem } from '../../signaling/signing/org-identity.ts';
import { startTestServer } from '../support/server.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'jiefen-court-keys-'));
const court = { id: 'court-1', name: '包头市青山区人民法院', code: '内0204' };
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('which mode', () => {
  it('JIEFEN_MODE decides; unset, NODE_ENV=production means production, anything else development', () => {
    expect(loadConfig({}).mode).toBe('development');
    expect(loadConfig({ NODE_ENV: 'production' }).mode).toBe('production');
    expect(loadConfig({ NODE_ENV: 'production', JIEFEN_MODE: 'development' }).mode).toBe('development');
    expect(loadConfig({ JIEFEN_MODE: 'production' }).mode).toBe('production');
    expect(() => loadConfig({ JIEFEN_MODE: 'dev' })).toThrow(/JIEFEN_MODE must be development or production/);
  });
});

describe('a court’s identity', () => {
  it('is the configured pair named by the court’s code', () => {
    const keysDir = path.join(scratch, 'keys');
    mkdirSync(keysDir);
    const { keyPem, certPem } = generateDevIdentity('包头市青山区人民法院');
    writeFileSync(path.join(keysDir, '内0204.key.pem'), keyPem);
    writeFileSync(path.join(keysDir, '内0204.chain.pem'), certPem);
    const ids = new CourtIdentities({ mode: 'production', courtKeysDir: keysDir, dataDir: path.join(scratch, 'data-a') });
    expect(ids.problem(court)).toBeNull();
    expect(ids.of(court).rootFingerprint).toBe(identityFromPem(keyPem, certPem).rootFingerprint);
    expect(existsSync(path.join(scratch, 'data-a', 'courts'))).toBe(false);
  });

  it('production without the pair: refused with the files to provide, nothing generated', () => {
    const dataDir = path.join(scratch, 'data-b');
    const ids = new CourtIdentities({ mode: 'production', courtKeysDir: undefined, dataDir });
    expect(ids.problem(court)).toMatch(/包头市青山区人民法院（内0204）的签名密钥未配置.*内0204\.key\.pem 与 内0204\.chain\.pem/);
    expect(() => ids.of(court)).toThrow(expect.objectContaining({ code: 'COURT_KEY_MISSING' }));
    expect(existsSync(path.join(dataDir, 'courts'))).toBe(false);
  });

  it('development: a generated key in the data folder, its certificates marked 开发用', () => {
    const dataDir = path.join(scratch, 'data-c');
    const ids = new CourtIdentities({ mode: 'development', courtKeysDir: undefined, dataDir });
    const identity = ids.of(court);
    expect(identity.signerName).toBe('包头市青山区人民法院（开发用）');
    expect(existsSync(path.join(dataDir, 'courts', court.id, 'signing', 'org-signing-key.pem'))).toBe(true);
  });
});

describe('the start', () => {
  it('in production, a court without its own keys stops the start with a clear message', async () => {
    await expect(startTestServer({ JIEFEN_MODE: 'production' })).rejects.toThrow(/包头市青山区人民法院（内0204）的签名密钥未配置：生产模式不生成法院密钥/);
  }, 60_000);
});
