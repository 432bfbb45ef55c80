// The sealing of personal data at rest on its own: AES-256-GCM values that name their key, refuse
// tampering and moving to another key id, open after a rotation; blind indexes; and the list of
// sealed columns and relations kept in step with the Prisma data model.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SEALED_MODELS, RELATIONS } from '../../signaling/privacy/encrypted-fields.ts';
import { FieldCrypto, generateDataKeys } from '../../signaling/privacy/field-crypto.ts';
import { SealingRules } from '../../signaling/privacy/prisma-sealing.ts';

const keys = generateDataKeys('k1');

it('seals text and bytes under the current key; each sealing differs; plaintext never shows', () => {
  const c = new FieldCrypto(keys);
  const a = c.sealText('13800138000');
  expect(a).toMatch(/^enc:v1:k1:[\w-]{16}:[\w-]+$/);
  expect(c.sealText('13800138000')).not.toBe(a);
  expect(a).not.toContain('13800138000');
  expect(c.openText(a)).toBe('13800138000');
  expect(c.sealText(a)).toBe(a); // sealing twice is a no-op
  const png = Buffer.from('\x89PNG\r\n\x1a\nstrokes');
  const sealed = c.sealBytes(png);
  expect(FieldCrypto.isSealedBytes(sealed)).toBe(true);
  expect(FieldCrypto.keyIdOf(sealed)).toBe('k1');
  expect(Buffer.from(sealed).includes(Buffer.from('strokes'))).toBe(false);
  expect(Buffer.from(c.openBytes(sealed)).equals(png)).toBe(true);
  // Not yet migrated values pass through as they are.
  expect(c.openText('plain')).toBe('plain');
});

it('refuses a tampered value, a value moved to another key id, and an unknown key', () => {
  const c = new FieldCrypto({ ...keys, keys: { ...keys.keys, k2: generateDataKeys('k2').keys.k2! } });
  const a = c.sealText('110105194912310021');
  const [, , , iv, body] = a.split(':');
  const flipped = `${body!.slice(0, 5)}${body![5] === 'A' ? 'B' : 'A'}${body!.slice(6)}`;
  expect(() => c.openText(`enc:v1:k1:${iv}:${flipped}`)).toThrow();
  expect(() => c.openText(a.replace('enc:v1:k1:', 'enc:v1:k2:'))).toThrow();
  expect(() => new FieldCrypto(generateDataKeys('other')).openText(a)).toThrow(/k1 is not in the secrets store/);
  const bytes = Buffer.from(c.sealBytes(Buffer.from('%PDF-1.7 …')));
  bytes[bytes.length - 1]! ^= 1;
  expect(() => c.openBytes(bytes)).toThrow();
});

it('opens old values after a rotation and writes new ones with the new key', () => {
  const old = new FieldCrypto(keys);
  const sealed = old.sealText('住所');
  const rotated = new FieldCrypto({ ...keys, current: 'k2', keys: { ...keys.keys, k2: generateDataKeys('k2').keys.k2! } });
  expect(rotated.openText(sealed)).toBe('住所');
  expect(FieldCrypto.keyIdOf(rotated.sealText('住所'))).toBe('k2');
  expect(FieldCrypto.keyIdOf(rotated.resealText(sealed))).toBe('k2');
});

it('blind indexes are keyed, deterministic and separate per column', () => {
  const c = new FieldCrypto(keys);
  expect(c.blindIndex('Participant.phone', '13800138000')).toBe(c.blindIndex('Participant.phone', '13800138000'));
  expect(c.blindIndex('Participant.phone', '13800138000')).not.toBe(c.blindIndex('Participant.idNumber', '13800138000'));
  expect(new FieldCrypto(generateDataKeys('k1')).blindIndex('Participant.phone', '13800138000')).not.toBe(c.blindIndex('Participant.phone', '13800138000'));
});

it('seals nested writes and opens included relations; the caller’s objects stay as they were', () => {
  const c = new FieldCrypto(keys);
  const rules = new SealingRules(c);
  const data = {
    title: 't',
    participants: { create: [{ name: '李某', phone: '13800138000', idNumber: 'X' }] },
    signingRounds: { create: { snapshot: '{}', signatures: { createMany: { data: [{ png: new Uint8Array([1, 2, 3]) }] } } } },
  };
  const args = rules.sealArgs('Case', 'create', { data }) as { data: typeof data };
  const p = args.data.participants.create[0]!;
  expect(FieldCrypto.isSealedText(p.phone)).toBe(true);
  expect((p as Record<string, unknown>).phoneIndex).toBe(c.blindIndex('Participant.phone', '13800138000'));
  expect(FieldCrypto.isSealedText(args.data.signingRounds.create.snapshot)).toBe(true);
  expect(FieldCrypto.isSealedBytes(args.data.signingRounds.create.signatures.createMany.data[0]!.png)).toBe(true);
  expect(data.participants.create[0]!.phone).toBe('13800138000');
  const result = { id: 'c', participants: [{ phone: p.phone, invitations: [{ participant: { idNumber: c.sealText('X') } }] }] };
  rules.openResult('Case', result);
  expect(result.participants[0]!.phone).toBe('13800138000');
  expect(result.participants[0]!.invitations[0]!.participant.idNumber).toBe('X');
});

it('the lists of sealed columns and relations match the Prisma data model', () => {
  const source = readFileSync(new URL('../../signaling/generated/prisma/internal/class.ts', import.meta.url), 'utf8');
  const json = source.match(/config\.runtimeDataModel = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/)![1]!;
  const model = JSON.parse(JSON.parse(json) as string) as { models: Record<string, { fields: Array<{ name: string; kind: string; type: string }> }> };
  const relations = Object.fromEntries(
    Object.entries(model.models)
      .map(([name, m]) => [name, Object.fromEntries(m.fields.filter((f) => f.kind === 'object').map((f) => [f.name, f.type]))] as const)
      .filter(([, r]) => Object.keys(r).length > 0),
  );
  expect(RELATIONS).toEqual(relations);
  for (const [name, rules] of Object.entries(SEALED_MODELS)) {
    const fields = new Map(model.models[name]!.fields.map((f) => [f.name, f.type]));
    for (const f of rules.text ?? []) expect(fields.get(f), `${name}.${f}`).toBe('String');
    for (const f of rules.bytes ?? []) expect(fields.get(f), `${name}.${f}`).toBe('Bytes');
    for (const index of Object.values(rules.blind ?? {})) expect(fields.get(index), `${name}.${index}`).toBe('String');
  }
});
