// "Is this payload malformed?" decided exactly as the server decides it, so a generated payload that
// happens to be valid is never sent (it could succeed and change the database).
// HTTP: the route's TypeBox schema must reject it AND fastify's own validator (the same
// @fastify/ajv-compiler with the options of signaling/http/app.ts) must too — AJV counts string
// length in code points where TypeBox counts UTF-16 units, so TypeBox alone would let through
// payloads the server accepts. Room events: the event's zod schema, applied as dispatch() does.
import AjvCompiler from '@fastify/ajv-compiler';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Kind, type TSchema } from '@sinclair/typebox';
import { ClientRequests, type ClientRequestName } from '../../../signaling/protocol/room.ts';
import { structuredCloneJson } from './payloads.ts';

export type Validate = (value: unknown) => boolean;
export type HttpPart = 'body' | 'querystring' | 'params';

const buildCompiler = AjvCompiler()({}, { customOptions: { coerceTypes: false, removeAdditional: false, verbose: true }, plugins: [] } as never);

/** Whether the server would accept this value for this part of this route. */
export function serverValidator(schema: unknown, method: string, url: string, httpPart: HttpPart): Validate {
  const ajv = buildCompiler({ schema: schema as object, method, url, httpPart }) as (data: unknown) => boolean;
  const typebox = Kind in (schema as object) ? TypeCompiler.Compile(schema as TSchema) : null;
  // Validated on a JSON copy: what arrives is JSON, and AJV's defaults would otherwise edit our value.
  return (value) => {
    const copy = structuredCloneJson(value);
    return ajv(copy) || (typebox ? typebox.Check(copy) : false);
  };
}

/** Whether the room would accept this payload for this event (socket.io sends undefined as null; dispatch reads null as {}). */
export function eventValidator(event: ClientRequestName): Validate {
  const schema = ClientRequests[event].request;
  return (value) => schema.safeParse(structuredCloneJson(value) ?? {}).success;
}
