// Each court seals its own documents and signs its own rulings: its signing identity (key and
// certificate chain) comes from outside, as the organisation's does (SIGNING_*): COURT_KEYS_DIR
// holds one pair per court, named by the court's code — `内0204.key.pem` + `内0204.chain.pem`.
// We never make up a court's key in production: a court without its pair stops the start (and an
// administrator cannot add one). Only in development mode (JIEFEN_MODE=development, or NODE_ENV
// not production) is a development key generated, into the git-ignored data folder, its root
// certificate marked （开发用）.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { DomainError } from '../errors.ts';
import { identityFromPem, loadSigningIdentity, type SigningIdentity } from '../signing/org-identity.ts';

export interface CourtRef {
  id: string;
  name: string;
  code: string;
}

/** Where a court's configured pair is expected. */
export function courtKeyFiles(keysDir: string, code: string): { keyFile: string; certFile: string } {
  return { keyFile: path.join(keysDir, `${code}.key.pem`), certFile: path.join(keysDir, `${code}.chain.pem`) };
}

export class CourtIdentities {
  readonly #loaded = new Map<string, SigningIdentity>();

  constructor(private readonly config: Pick<Config, 'mode' | 'courtKeysDir' | 'dataDir'>) {}

  get mode(): Config['mode'] {
    return this.config.mode;
  }

  /** Why a court cannot sign (no configured pair in production), or null. */
  problem(court: CourtRef): string | null {
    if (this.#configured(court) || this.config.mode === 'development') return null;
    const where = this.config.courtKeysDir
      ? `${courtKeyFiles(this.config.courtKeysDir, court.code).keyFile} 与 ${court.code}.chain.pem`
      : `COURT_KEYS_DIR 目录中的 ${court.code}.key.pem 与 ${court.code}.chain.pem`;
    return `${court.name}（${court.code}）的签名密钥未配置：生产模式不生成法院密钥，请提供 ${where}（PEM）`;
  }

  /** The court's identity: its configured pair, or (development mode only) a generated one. */
  of(court: CourtRef): SigningIdentity {
    let identity = this.#loaded.get(court.id);
    if (identity) return identity;
    const files = this.#configured(court);
    if (files) identity = identityFromPem(readFileSync(files.keyFile, 'utf8'), readFileSync(files.certFile, 'utf8'));
    else if (this.config.mode === 'development')
      identity = loadSigningIdentity({ dataDir: path.join(this.config.dataDir, 'courts', court.id), orgName: `${court.name}（开发用）` });
    else throw new DomainError('COURT_KEY_MISSING', this.problem(court) ?? undefined);
    this.#loaded.set(court.id, identity);
    return identity;
  }

  #configured(court: CourtRef): { keyFile: string; certFile: string } | null {
    if (!this.config.courtKeysDir) return null;
    const files = courtKeyFiles(this.config.courtKeysDir, court.code);
    return existsSync(files.keyFile) && existsSync(files.certFile) ? files : null;
  }
}

/** At start: in production every court must have its pair, else the start stops naming each missing one. */
export function assertCourtKeys(identities: CourtIdentities, courts: CourtRef[]): void {
  const problems = courts.map((c) => identities.problem(c)).filter((p): p is string => p !== null);
  if (problems.length) throw new Error(problems.join('\n'));
  // Production: load each now so a broken file also stops the start rather than the first ruling.
  if (identities.mode === 'production') for (const c of courts) identities.of(c);
}
