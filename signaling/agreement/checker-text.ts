// Checks on the text of one block (a section or a clause) or one performance item: fill-ins left
// empty or invalid, blanks such as ____ or 【】, vague amounts and deadlines, dates that do not exist.
import { findDates } from './dates.ts';
import type { BlockSnapshot } from './document-schema.ts';
import { formatFieldValue, normalizeFieldValue, placeholderKeys, stripPlaceholders, type FieldValue } from './fields.ts';
import { finding, type Finding, type Where } from './checker-findings.ts';

export const BLANK_MARK_RE = /_{2,}|＿{2,}|【[^】]{0,16}】|[×xX]{2,}|○{2,}|（\s*）|\(\s*\)|\{\{|\}\}/;
export const VAGUE_AMOUNT_RE =
  /若干|一定(?:的)?(?:数额|金额|费用|款项|补偿|赔偿)|相应(?:的)?(?:费用|款项|损失|赔偿款|补偿款|金额)|适当(?:的)?(?:补偿|赔偿|费用)|合理(?:的)?(?:费用|补偿|赔偿)|部分(?:款项|费用)|(?:金额|数额|费用|款项)(?:由双方)?另行(?:协商|商定|确定)/;
/**
 * Ownership-confirmation wording (确权): a court refuses to confirm an agreement that settles who
 * owns a thing or an intellectual-property right (民诉法解释 art. 355). A transfer agreed as
 * performance (协助办理过户) is not caught; "确认…归…所有" and "…权归甲方" are.
 */
export const OWNERSHIP_CONFIRMATION_RE =
  /确权|(?:确认|确定)[^，。；]{0,20}(?:所有权|使用权|产权|物权|知识产权|专利权|商标权|著作权|归属|归[甲乙]方|属于[甲乙]方)|(?:所有权|使用权|产权|知识产权|专利权|商标权|著作权)(?:归|属于)[^，。；]{0,6}[甲乙]方/;
const VAGUE_DEADLINE_RE = /尽快|尽早|及时|近期|近日|择日|适当(?:的)?时候|合适(?:的)?时间|方便时|有空时|另行(?:约定|商定|协商)(?:的)?(?:时间|日期|期限)/;

/** A block as it will read, for analysis: valid values filled in, everything else as a neutral 【label】. */
export function analysisText(block: BlockSnapshot): string {
  return block.text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g, (_, key: string) => {
    const f = block.fields[key];
    if (!f || f.value === null || !normalizeFieldValue(f.type, f.value).ok) return `【${f?.label ?? key}】`;
    return formatFieldValue(f.type, f.value);
  });
}

export function checkFillIns(block: BlockSnapshot, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  for (const key of placeholderKeys(block.text)) {
    const f: FieldValue | undefined = block.fields[key];
    if (!f) {
      out.push(finding('PLACEHOLDER_UNKNOWN', { ...where, field: key }, `${label}：正文引用的填写项“${key}”不存在`, '删除该处引用，或改为直接填写文字。'));
      continue;
    }
    if (f.value === null || !f.value.trim()) {
      out.push(finding('FIELD_UNFILLED', { ...where, field: key }, `${label}：「${f.label}」未填写`, `请填写${f.label}。`));
      continue;
    }
    const n = normalizeFieldValue(f.type, f.value);
    if (!n.ok) out.push(finding('FIELD_INVALID', { ...where, field: key }, `${label}：「${f.label}」填写的“${f.value}”无效`, n.problem));
  }
  const bare = stripPlaceholders(block.text);
  const blank = BLANK_MARK_RE.exec(bare);
  if (blank) out.push(finding('TEXT_PLACEHOLDER', where, `${label}：正文中留有空白“${blank[0]}”`, '把空白处补充完整，或改用填写项。'));
  return out;
}

export function checkWording(text: string, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  const vague = VAGUE_AMOUNT_RE.exec(text);
  if (vague)
    out.push(
      finding(
        'AMOUNT_VAGUE',
        where,
        `${label}：金额表述“${vague[0]}”不明确`,
        '写明具体金额，如“人民币8,600.00元”；金额不明确的协议无法履行，也无法申请司法确认。',
      ),
    );
  const vd = VAGUE_DEADLINE_RE.exec(text);
  if (vd) out.push(finding('DEADLINE_VAGUE', where, `${label}：期限表述“${vd[0]}”不明确`, '写明具体日期（如2026年3月15日前）或“本协议签订之日起十五日内”。'));
  const ownership = OWNERSHIP_CONFIRMATION_RE.exec(text);
  if (ownership)
    out.push(
      finding(
        'OWNERSHIP_CONFIRMATION',
        where,
        `${label}：“${ownership[0]}”属于确权内容，法院不予司法确认`,
        '物权、知识产权的归属应通过诉讼或不动产登记等途径确认；协议可改为约定具体的给付、交付或协助办理登记等义务。',
      ),
    );
  for (const d of findDates(text)) {
    if (d.parsed === null) out.push(finding('DATE_INVALID', where, `${label}：日期“${d.raw}”不存在`, '核对年月日。'));
  }
  return out;
}
