// Malformed payloads generated from a JSON schema (TypeBox schemas are JSON schemas; the room
// events' zod schemas are converted with z.toJSONSchema): a plausible value built from the schema,
// then broken by one to three mutations — a wrong type, a missing or extra field (prototype
// pollution keys among them), a huge string, unicode edge cases, deep nesting, a number out of
// range — or replaced by something else entirely. The caller filters with the server's own
// validator, so a value that happens to be valid is never sent.
import fc from 'fast-check';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/** Keys that pollute prototypes when an object is merged carelessly. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'] as const;

/** Strings that break naive handling: NUL, lone surrogates, bidi overrides, BOM, zero width, combining marks, astral CJK. */
export const UNICODE_EDGES = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  'a\uDC00b',
  '\u202E\u202D',
  '\uFEFF',
  '\u200B\u200C\u200D',
  'e\u0301\u0301\u0301',
  '😀👨‍👩‍👧‍👦',
  '𠀀𪚥',
  '\r\n\t',
  '\u3000 \u00A0',
  '%00',
  '../../etc/passwd',
  '\'; DROP TABLE "Case"; --',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
] as const;

export interface PayloadLimits {
  /** The longest huge string (below the transport's own limit, so the server's validation is what answers). */
  hugeString: number;
  /** The deepest nesting. */
  depth: number;
}

/** Sets a key as an own, enumerable property (so `__proto__` is a key JSON.stringify writes, not the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const typesOf = (s: JsonSchema): string[] => (s.type === undefined ? [] : [s.type].flat());

/** A value the schema probably accepts (not necessarily: the mutations and the filter decide). */
export function plausible(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => plausible(s, depth + 1)));
  if (schema.allOf?.length) return plausible(schema.allOf[0]!, depth + 1);
  const type = typesOf(schema)[0];
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {};
      if (depth > 6 || !Object.keys(props).length) return fc.constant({});
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) shape[k] = plausible(s, depth + 1);
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(schema.items && depth <= 6 ? plausible(schema.items, depth + 1) : fc.constant(null), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'string': {
      const max = Math.min(schema.maxLength ?? 24, 24);
      const min = Math.min(schema.minLength ?? 0, max);
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, Math.max(max, min)));
      if (schema.format === 'ipv4') return fc.ipV4();
      return fc.string({ minLength: min, maxLength: max });
    }
    case 'integer':
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 1000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Something of another type than expected. */
const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, '', '0', 'null', 'true', [], {}, [null], { '': '' }),
  fc.string({ maxLength: 8 }),
  fc.integer(),
);

const outOfRange = fc.constantFrom(-1, -0, 0.5, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 65536, 99999999999);

const unicode = fc.oneof(
  fc.constantFrom(...UNICODE_EDGES),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.array(fc.constantFrom(...UNICODE_EDGES), { minLength: 1, maxLength: 4 }).map((a) => a.join('')),
);

const nested = (limits: PayloadLimits) =>
  fc.tuple(fc.integer({ min: 20, max: limits.depth }), fc.boolean()).map(([depth, asArray]) => {
    let v: unknown = 'x';
    for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
    return v;
  });

const huge = (limits: PayloadLimits) =>
  fc
    .tuple(fc.integer({ min: 5_000, max: limits.hugeString }), fc.constantFrom('a', '汉', '😀', ' ', '\u0000'))
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

/** A value to put where something else belongs. */
const replacement = (limits: PayloadLimits) =>
  fc.oneof(
    { weight: 3, arbitrary: wrongType },
    { weight: 2, arbitrary: outOfRange },
    { weight: 2, arbitrary: unicode },
    { weight: 1, arbitrary: nested(limits) },
    // Rare: each costs its size in generation, validation and parsing.
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).chain((n) => (n === 0 ? huge(limits) : unicode)) },
  );

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'remove'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'whole'; value: unknown };

const mutation = (limits: PayloadLimits): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacement(limits) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        at: fc.nat(),
        key: fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 12 }), unicode),
        value: fc.oneof(fc.constant({ polluted: true }), fc.constant({ prototype: { polluted: true } }), replacement(limits)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('whole' as const), value: fc.oneof(replacement(limits), fc.jsonValue({ maxDepth: 3 })) }),
    },
  );

/** Every container (object or array) in the value, the root first. */
function containers(value: unknown, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (value !== null && typeof value === 'object') {
    out.push(value as Record<string, unknown> | unknown[]);
    for (const v of Object.values(value)) if (out.length < 64) containers(v, out);
  }
  return out;
}

/** Applies one mutation in place; inserted values are copies (fast-check shares its constants between runs). */
function apply(root: unknown, mutation: Mutation): unknown {
  const m = 'value' in mutation ? { ...mutation, value: structuredCloneJson(mutation.value) } : mutation;
  if (m.kind === 'whole') return m.value;
  const all = containers(root);
  if (!all.length) return m.kind === 'replace' ? m.value : root;
  const target = all[m.at % all.length]!;
  const keys = Object.keys(target);
  if (m.kind === 'add') {
    if (Array.isArray(target)) target.push(m.value);
    else setOwn(target, m.key, m.value);
    return root;
  }
  if (!keys.length) return m.kind === 'replace' && target === root ? m.value : root;
  const key = keys[m.at % keys.length]!;
  if (Array.isArray(target)) {
    if (m.kind === 'remove') target.splice(Number(key), 1);
    else target[Number(key)] = m.value;
  } else if (m.kind === 'remove') delete target[key];
  else setOwn(target, key, m.value);
  return root;
}

/** Plausible values broken by 1–3 mutations (the caller keeps only those its validator rejects). */
export function mutated(schema: JsonSchema, limits: PayloadLimits): fc.Arbitrary<unknown> {
  return fc
    .tuple(plausible(schema), fc.array(mutation(limits), { minLength: 1, maxLength: 3 }))
    .map(([base, mutations]) => mutations.reduce<unknown>((v, m) => apply(v, m), structuredCloneJson(base)));
}

/** A deep copy through JSON (what the server receives). */
export function structuredCloneJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** A string for a path parameter or a query value: mostly wrong shapes of an id. */
export function malformedText(limits: PayloadLimits): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength: 1, maxLength: 60 }),
    fc.constantFrom(...UNICODE_EDGES, ...POLLUTION_KEYS, 'A', 'ABC123', '-1', '1.5', 'null', 'undefined', '[object Object]', 'a'.repeat(41), '%', '..'),
    unicode,
    fc.integer({ min: 100, max: Math.min(limits.hugeString, 6000) }).map((n) => 'x'.repeat(n)),
  );
}

/**
 * Request bodies that are not plain JSON values: broken JSON, prototype-poisoning JSON (the parser
 * refuses it), the wrong content type. `parsed`: what the body becomes if the server parses it
 * (the caller sends it only where that value is invalid too); absent: refused before validation.
 */
export const RAW_BODIES: ReadonlyArray<{ body: string; contentType: string; parsed?: unknown }> = [
  { body: '{', contentType: 'application/json' },
  { body: '{"a":1,}', contentType: 'application/json' },
  { body: '', contentType: 'application/json' },
  { body: 'null', contentType: 'application/json', parsed: null },
  { body: '{"__proto__":{"polluted":true}}', contentType: 'application/json' },
  { body: '{"constructor":{"prototype":{"polluted":true}}}', contentType: 'application/json' },
  { body: '\uFEFF{}', contentType: 'application/json', parsed: {} },
  { body: '{"a":"\\ud800"}', contentType: 'application/json', parsed: { a: '\uD800' } },
  { body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { body: 'hello', contentType: 'text/plain', parsed: 'hello' },
  { body: '<xml/>', contentType: 'application/xml' },
  { body: '{}', contentType: 'application/json; charset=latin1', parsed: {} },
  { body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
];
