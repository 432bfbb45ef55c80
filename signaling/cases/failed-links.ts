// Failed link attempts (/j/<token> and every party request with a bad token), per client address:
// after `max` guesses (malformed or unknown tokens) in a window that address is refused with RATE_LIMITED until the window
// ends (guessing links is slow), and the audit log gets one INVITATION_REJECTED row per address,
// reason, case and window with the count — not one row per attempt (a flood cannot flood the log).
// Counts live in this node's memory; a crash loses the current window's summary (at most one window).
import { recordAudit } from '../audit/log.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';

export interface FailedLinkLimits {
  /** Failures per address per window before it is refused. */
  max: number;
  windowMs: number;
}

const GUESSES = new Set(['TOKEN_MALFORMED', 'TOKEN_INVALID']);

interface Tally {
  caseId: string | null;
  reason: string;
  ip: string;
  invitationId: string | undefined;
  count: number;
}

export class FailedLinkAttempts {
  readonly #byAddress = new Map<string, number>();
  readonly #tallies = new Map<string, Tally>();
  #windowStart = new Date();
  #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly limits: FailedLinkLimits,
  ) {
    this.#timer = this.#schedule();
  }

  #schedule(): NodeJS.Timeout {
    const timer = setTimeout(() => void this.flush(), this.limits.windowMs);
    timer.unref();
    return timer;
  }

  /** Refuses an address that failed too often in this window (before its token is even looked at). */
  check(ip: string): void {
    if ((this.#byAddress.get(ip) ?? 0) >= this.limits.max) {
      this.#tally({ caseId: null, reason: 'RATE_LIMITED', ip, invitationId: undefined });
      throw new DomainError('RATE_LIMITED', '链接尝试次数过多，请稍后再试或联系调解员');
    }
  }

  failed(ip: string, reason: string, caseId: string | null, invitationId: string | undefined): void {
    // Only guesses count against the address; a real link that expired, was revoked or belongs
    // to another case is summarised in the audit but does not lock anyone out.
    if (GUESSES.has(reason)) this.#byAddress.set(ip, (this.#byAddress.get(ip) ?? 0) + 1);
    this.#tally({ caseId, reason, ip, invitationId });
  }

  #tally(t: Omit<Tally, 'count'>): void {
    const key = JSON.stringify([t.caseId, t.reason, t.ip, t.invitationId ?? null]);
    const tally = this.#tallies.get(key);
    if (tally) tally.count += 1;
    else this.#tallies.set(key, { ...t, count: 1 });
  }

  /** Writes this window's summary rows and starts a new window. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    if (!this.#closed) this.#timer = this.#schedule();
    const tallies = [...this.#tallies.values()];
    const from = this.#windowStart.toISOString();
    const to = new Date();
    this.#tallies.clear();
    this.#byAddress.clear();
    this.#windowStart = to;
    this.#flushing = this.#flushing.then(async () => {
      for (const t of tallies) {
        await recordAudit(this.ctx.db, { type: 'anonymous' }, t.caseId, {
          type: 'INVITATION_REJECTED',
          data: { reason: t.reason, ip: t.ip, ...(t.invitationId ? { invitationId: t.invitationId } : {}), count: t.count, from, to: to.toISOString() },
        }).catch(() => undefined); // the audit is best effort here: a full disk must not stop link checks
      }
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}

const perServer = new WeakMap<AppContext, FailedLinkAttempts>();

/** The server's failed-attempt counter (one per running server). */
export function failedLinks(ctx: AppContext): FailedLinkAttempts {
  let f = perServer.get(ctx);
  if (!f) perServer.set(ctx, (f = new FailedLinkAttempts(ctx, { max: ctx.config.linkFailuresPerWindow, windowMs: ctx.config.linkFailureWindowMs })));
  return f;
}
