// The centre's configured unit list: data/centre-units.json (or CENTRE_UNITS_FILE) when present,
// else the built-in Qingshan list. Read and validated at start; a bad file stops the start.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UNIT_KIND_KEYS } from '../domain/unit-kinds.ts';

const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-units.json');

const UnitEntry = z.union([
  z.object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/), kind: z.enum(UNIT_KIND_KEYS), primary: z.literal(true) }),
  z.object({
    code: z.string().regex(/^[a-z0-9-]{2,40}$/),
    kind: z.enum(UNIT_KIND_KEYS),
    name: z.string().min(2).max(60),
    shortName: z.string().min(1).max(8),
  }),
]);
const UnitListFile = z.object({ units: z.array(UnitEntry).min(1) });

export type UnitListEntry = z.infer<typeof UnitEntry>;

export function unitListFile(dataDir: string, configured: string | undefined): string {
  if (configured) return path.resolve(configured);
  const own = path.join(dataDir, 'centre-units.json');
  return existsSync(own) ? own : BUILT_IN;
}

export function loadUnitList(file: string): UnitListEntry[] {
  const parsed = UnitListFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const codes = parsed.data.units.map((u) => u.code);
  const repeated = codes.find((c, i) => codes.indexOf(c) !== i);
  if (repeated) throw new Error(`${file}: unit code ${repeated} appears twice`);
  if (parsed.data.units.filter((u) => 'primary' in u).length !== 1) throw new Error(`${file}: exactly one unit must be "primary": true`);
  return parsed.data.units;
}
