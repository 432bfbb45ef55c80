// What a fuzz run found: payloads sent, crashes (a 5xx, a dead server, no answer), state changes
// (a batch after which the database differs) and non-specific errors (an answer without a code of
// the error table, with the wrong status for its code, INTERNAL, or without a Chinese message).
import { ERRORS, isErrorCode } from '../../../signaling/errors.ts';

const HAN = /\p{Script=Han}/u;
/** Examples kept per kind of problem (the counts are complete). */
const KEEP = 20;

export class FuzzTally {
  routes = 0;
  events = 0;
  payloads = 0;
  crashes = 0;
  stateChanges = 0;
  nonSpecificErrors = 0;
  /** Routes and events with nothing a payload could break (no schema, no parameters). */
  readonly untestable: string[] = [];
  readonly examples: string[] = [];
  /** How often each code answered. */
  readonly codes = new Map<string, number>();

  private note(line: string): void {
    if (this.examples.length < KEEP * 3) this.examples.push(line);
  }

  crash(where: string, what: string): void {
    this.crashes++;
    this.note(`CRASH ${where}: ${what}`);
  }

  stateChange(where: string): void {
    this.stateChanges++;
    this.note(`STATE CHANGED by ${where}`);
  }

  nonSpecific(where: string, what: string): void {
    this.nonSpecificErrors++;
    this.note(`NON-SPECIFIC ${where}: ${what}`);
  }

  countCode(code: string): void {
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }

  summary() {
    return {
      routes: this.routes,
      events: this.events,
      payloads: this.payloads,
      crashes: this.crashes,
      state_changes: this.stateChanges,
      non_specific_errors: this.nonSpecificErrors,
    };
  }
}

/** A refusal as the table defines it: its code, that code's status (HTTP only), a Chinese message. */
export function checkRefusal(tally: FuzzTally, where: string, status: number | null, body: unknown): void {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = null;
    }
  }
  const { code, message, ok } = (parsed ?? {}) as { code?: unknown; message?: unknown; ok?: unknown };
  if (status !== null && status >= 500) return tally.crash(where, `${status} ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 200)}`);
  if (ok === true || (status !== null && status < 400)) return tally.nonSpecific(where, `accepted (${status ?? 'ack ok'})`);
  if (!isErrorCode(code)) return tally.nonSpecific(where, `no code of the table: ${JSON.stringify(parsed)?.slice(0, 200)}`);
  tally.countCode(code);
  if (code === 'INTERNAL') return tally.crash(where, 'INTERNAL');
  if (status !== null && ERRORS[code].status !== status)
    return tally.nonSpecific(where, `${code} with status ${status} (the table says ${ERRORS[code].status})`);
  if (typeof message !== 'string' || !HAN.test(message)) return tally.nonSpecific(where, `${code} without a Chinese message: ${JSON.stringify(message)}`);
}
