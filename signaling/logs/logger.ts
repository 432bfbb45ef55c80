// The server's logger (pino, through fastify): JSON lines for log collectors, human-readable lines
// when the output is a terminal; every line passes the redaction of redaction.ts on its way out.
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import { REDACTED, REDACT_PATHS, scrubString, scrubValue, serializeRequest, serializeResponse } from './redaction.ts';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerSettings {
  level: string;
  /** auto: pretty when stdout is a terminal, JSON otherwise. */
  format: LogFormat;
  /** Where the lines go (tests capture them); default stdout. Always JSON. */
  destination?: DestinationStream;
}

/** A stream that scrubs each JSON line (every string, every secret-named field) before passing it on. */
export function scrubbingStream(inner: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      let out: string;
      try {
        out = `${JSON.stringify(scrubValue(JSON.parse(line)))}\n`;
      } catch {
        out = scrubString(line);
      }
      inner.write(out);
    },
  };
}

function baseDestination(settings: LoggerSettings): DestinationStream {
  if (settings.destination) return settings.destination;
  const pretty = settings.format === 'pretty' || (settings.format === 'auto' && process.stdout.isTTY === true);
  if (pretty) return pinoPretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true });
  return pino.destination({ dest: 1, sync: false });
}

/** Options for fastify's `logger`: pino with redaction, safe serializers and the scrubbing stream. */
export function loggerOptions(settings: LoggerSettings): LoggerOptions & { stream: DestinationStream } {
  return {
    level: settings.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { req: serializeRequest, res: serializeResponse },
    stream: scrubbingStream(baseDestination(settings)),
  };
}
