// The centre's 区—街—社 as data (#16): the 街道/乡镇 (9-digit 行政区划代码) and their 社区/村 (12-digit,
// under the 街镇 whose code they start with), offered on the intake forms, checked when a matter is
// registered, and named on the dashboard and the matter page. Defaults in default-areas.json (示例);
// a centre's <data dir>/areas.json replaces them whole, read once at start — a bad file stops the
// start with a message naming the file and the field. Pure: no database.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { NO_AREA_LABEL, RETIRED_AREA_NOTE } from './labels.ts';

/** A 街道/乡镇 has a 9-digit code; a 社区/村 the 12 digits that start with its 街镇's. */
const isTownCode = (code: string) => code.length === 9;
const isCommunityCode = (code: string) => code.length === 12;
const townCodeOf = (code: string) => code.slice(0, 9);

const Area = z
  .object({
    code: z.string().regex(/^([0-9]{9}|[0-9]{12})$/, '应为 9 位（街道/乡镇）或 12 位（社区/村）数字'),
    name: z.string().trim().min(1, '不能为空').max(40, '不能超过 40 个字'),
  })
  .strict();

export const AreasFileSchema = z
  .object({
    /** Where the list comes from (e.g. 民政部门 YYYY 年公布的区划代码), shown to staff. */
    about: z.string().max(500),
    areas: z.array(Area).max(2000),
  })
  .strict()
  .superRefine((file, ctx) => {
    const codes = new Map<string, number>();
    const names = new Map<string, number>();
    file.areas.forEach((a, i) => {
      if (codes.has(a.code)) ctx.addIssue({ code: 'custom', path: ['areas', i, 'code'], message: `与第 ${codes.get(a.code)! + 1} 项的代码重复` });
      codes.set(a.code, i);
    });
    const townOf = (code: string) => file.areas.find((t) => isTownCode(t.code) && t.code === townCodeOf(code));
    file.areas.forEach((a, i) => {
      // A 社区 is named within its 街镇, so two 街镇 may each have a 团结社区.
      const full = isCommunityCode(a.code) ? `${townOf(a.code)?.name ?? ''} · ${a.name}` : a.name;
      if (names.has(full)) ctx.addIssue({ code: 'custom', path: ['areas', i, 'name'], message: `与第 ${names.get(full)! + 1} 项的名称重复` });
      names.set(full, i);
      if (isCommunityCode(a.code) && !townOf(a.code))
        ctx.addIssue({ code: 'custom', path: ['areas', i, 'code'], message: `社区代码应以所属街道/乡镇的 9 位代码开头，表中没有 ${townCodeOf(a.code)}` });
    });
  });
export type AreasFile = z.infer<typeof AreasFileSchema>;

export const AREAS_FILE = 'areas.json';
const BUILT_IN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'default-areas.json');

export class AreasFileError extends Error {}

export interface Town {
  code: string;
  name: string;
  communities: Array<{ code: string; name: string }>;
}

/** The list as read at start: the 街镇 in file order, each with its 社区. */
export class AreaDirectory {
  readonly towns: readonly Town[];
  readonly #labels = new Map<string, string>();

  constructor(
    readonly about: string,
    areas: AreasFile['areas'],
  ) {
    const towns = areas.filter((a) => isTownCode(a.code)).map((t) => ({ code: t.code, name: t.name, communities: [] as Town['communities'] }));
    for (const t of towns) this.#labels.set(t.code, t.name);
    for (const c of areas.filter((a) => isCommunityCode(a.code))) {
      const town = towns.find((t) => t.code === townCodeOf(c.code))!;
      town.communities.push({ code: c.code, name: c.name });
      this.#labels.set(c.code, `${town.name} · ${c.name}`);
    }
    this.towns = towns;
  }

  has(code: string): boolean {
    return this.#labels.has(code);
  }

  /** A listed 街道/乡镇 (not a 社区). */
  hasTown(code: string): boolean {
    return isTownCode(code) && this.#labels.has(code);
  }

  /** "先锋道街道", "先锋道街道 · 团结社区"; a code no longer listed as itself with a note; none as 未登记. */
  labelOf(code: string | null | undefined): string {
    if (!code) return NO_AREA_LABEL;
    return this.#labels.get(code) ?? `${code}${RETIRED_AREA_NOTE}`;
  }
}

function readJson(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AreasFileError(`街道社区文件 ${file} 不是有效的 JSON：${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AreasFileError(`街道社区文件 ${file} 应为一个 JSON 对象`);
  const obj = { ...(raw as Record<string, unknown>) };
  delete obj.$comment;
  return obj;
}

/**
 * The centre's file when there is one, else the built-in list. The centre's replaces it whole, `about`
 * included: a corrected list must say where it comes from, not keep the built-in's 示例 note.
 */
export function loadAreas(dataDir: string | null): AreaDirectory {
  const centre = dataDir ? path.join(dataDir, AREAS_FILE) : null;
  const file = centre && existsSync(centre) ? centre : BUILT_IN;
  const parsed = AreasFileSchema.safeParse(readJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AreasFileError(`街道社区文件 ${file} 的 ${issue.path.join('.') || '(根)'} 有误：${issue.message}`);
  }
  return new AreaDirectory(parsed.data.about, parsed.data.areas);
}
