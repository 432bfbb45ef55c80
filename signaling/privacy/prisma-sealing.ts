// The repository boundary of encryption at rest: a Prisma client extension that seals the columns
// of encrypted-fields.ts on every write (top-level and nested: create, createMany, update, upsert,
// connectOrCreate …) and opens them in every result (also through include/select), so services
// work with plaintext. A lookup by a blind-indexed column (where: { phone }) becomes a lookup by
// its index. Raw SQL bypasses all this: the server runs none on these tables (PRAGMAs only).
import { Prisma } from '../generated/prisma/client.ts';
import { FieldCrypto } from './field-crypto.ts';
import { RELATIONS, SEALED_MODELS, type SealedModel } from './encrypted-fields.ts';

type Json = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date) && !Array.isArray(v);
/** fn over an object or each object of an array (other values as they are). */
const mapObjects = (v: unknown, fn: (o: Json) => Json): unknown =>
  Array.isArray(v) ? v.map((item) => (isPlainObject(item) ? fn(item) : item)) : isPlainObject(v) ? fn(v) : v;

const RETURNS_RECORDS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'create',
  'createManyAndReturn',
  'update',
  'updateManyAndReturn',
  'upsert',
  'delete',
]);

export class SealingRules {
  constructor(private readonly crypto: FieldCrypto | null) {}

  #need(model: string, field: string): FieldCrypto {
    if (!this.crypto) throw new Error(`${model}.${field} is sealed at rest: this database client has no data keys`);
    return this.crypto;
  }

  /** One `data` object of `model` with its sealed columns (and those of its nested writes) sealed. A copy: the caller's objects stay as they were. */
  sealData(model: string, input: Json): Json {
    const rules: SealedModel = SEALED_MODELS[model] ?? {};
    const data: Json = { ...input };
    for (const field of rules.text ?? []) {
      if (!(field in data)) continue;
      const raw = data[field];
      const value = isPlainObject(raw) && 'set' in raw ? raw.set : raw;
      const indexField = rules.blind?.[field];
      if (value === null && indexField) data[indexField] = null;
      if (typeof value !== 'string') continue;
      data[field] = this.#need(model, field).sealText(value);
      if (indexField) data[indexField] = this.#need(model, field).blindIndex(`${model}.${field}`, value);
    }
    for (const field of rules.bytes ?? []) {
      if (!(field in data)) continue;
      const raw = data[field];
      if (raw instanceof Uint8Array) data[field] = this.#need(model, field).sealBytes(raw);
      else if (isPlainObject(raw) && raw.set instanceof Uint8Array) data[field] = this.#need(model, field).sealBytes(raw.set);
    }
    for (const [field, target] of Object.entries(RELATIONS[model] ?? {})) {
      const nested = data[field];
      if (isPlainObject(nested)) data[field] = this.#sealNested(target, nested);
    }
    return data;
  }

  #sealNested(model: string, input: Json): Json {
    const ops: Json = { ...input };
    const seal = (d: Json) => this.sealData(model, d);
    const where = (w: Json) => this.rewriteWhere(model, w);
    if ('create' in ops) ops.create = mapObjects(ops.create, seal);
    if (isPlainObject(ops.createMany)) ops.createMany = { ...ops.createMany, data: mapObjects(ops.createMany.data, seal) };
    if ('connectOrCreate' in ops)
      ops.connectOrCreate = mapObjects(ops.connectOrCreate, (o) => ({ ...o, where: mapObjects(o.where, where), create: mapObjects(o.create, seal) }));
    // to-many: { where, data } items; to-one: the data itself or { where?, data }.
    if ('update' in ops)
      ops.update = mapObjects(ops.update, (o) =>
        isPlainObject(o.data) ? { ...o, ...(isPlainObject(o.where) ? { where: where(o.where) } : {}), data: seal(o.data) } : seal(o),
      );
    if ('updateMany' in ops) ops.updateMany = mapObjects(ops.updateMany, (o) => ({ ...o, where: mapObjects(o.where, where), data: mapObjects(o.data, seal) }));
    if ('upsert' in ops)
      ops.upsert = mapObjects(ops.upsert, (o) => ({
        ...o,
        where: mapObjects(o.where, where),
        create: mapObjects(o.create, seal),
        update: mapObjects(o.update, seal),
      }));
    for (const key of ['connect', 'disconnect', 'delete', 'set', 'deleteMany']) if (key in ops) ops[key] = mapObjects(ops[key], where);
    return ops;
  }

  /**
   * A where on a blind-indexed column compares its index; any other condition on a sealed column
   * could only ever compare ciphertext, so it is refused rather than silently matching nothing.
   */
  rewriteWhere(model: string, input: Json): Json {
    const rules: SealedModel = SEALED_MODELS[model] ?? {};
    const where: Json = { ...input };
    for (const field of [...(rules.text ?? []), ...(rules.bytes ?? [])]) {
      if (!(field in where)) continue;
      const value = where[field];
      if (value === null || (isPlainObject(value) && Object.keys(value).length === 1 && 'not' in value && value.not === null)) continue;
      const indexField = rules.blind?.[field];
      const equals = isPlainObject(value) && Object.keys(value).length === 1 && 'equals' in value ? value.equals : value;
      if (!indexField || typeof equals !== 'string')
        throw new Error(`${model}.${field} is sealed at rest: only equality on a blind-indexed column can be looked up`);
      delete where[field];
      where[indexField] = this.#need(model, field).blindIndex(`${model}.${field}`, equals);
    }
    for (const key of ['AND', 'OR', 'NOT']) if (key in where) where[key] = mapObjects(where[key], (w) => this.rewriteWhere(model, w));
    return where;
  }

  /** Opens the sealed columns of a result (records of `model`, with whatever was included), in place: the result is the caller's to keep. */
  openResult(model: string, value: unknown): void {
    for (const row of Array.isArray(value) ? value : [value]) {
      if (!isPlainObject(row)) continue;
      const rules: SealedModel = SEALED_MODELS[model] ?? {};
      if (this.crypto) {
        for (const field of rules.text ?? []) if (typeof row[field] === 'string') row[field] = this.crypto.openText(row[field]);
        for (const field of rules.bytes ?? []) if (row[field] instanceof Uint8Array) row[field] = this.crypto.openBytes(row[field]);
      }
      for (const [field, target] of Object.entries(RELATIONS[model] ?? {})) if (field in row) this.openResult(target, row[field]);
    }
  }

  /** The arguments of one model operation with writes sealed and lookups rewritten (a copy). */
  sealArgs(model: string, operation: string, input: Json): Json {
    const args: Json = { ...input };
    if (isPlainObject(args.where)) args.where = this.rewriteWhere(model, args.where);
    if (operation === 'upsert') {
      if (isPlainObject(args.create)) args.create = this.sealData(model, args.create);
      if (isPlainObject(args.update)) args.update = this.sealData(model, args.update);
    } else if ('data' in args) args.data = mapObjects(args.data, (d) => this.sealData(model, d));
    return args;
  }
}

/** The extension sealing `crypto`'s columns; with no keys sealed values are returned as stored and writing them fails. */
export function sealingExtension(crypto: FieldCrypto | null) {
  const rules = new SealingRules(crypto);
  return Prisma.defineExtension({
    name: 'jiefen-sealing',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const result = await query(isPlainObject(args) ? rules.sealArgs(model, operation, args) : args);
          if (RETURNS_RECORDS.has(operation)) rules.openResult(model, result);
          return result;
        },
      },
    },
  });
}
