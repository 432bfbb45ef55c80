// Rendering helpers shared by the PDF, the checker, court documents and diffs: a block with its
// fill-ins, clause numbering and the party line of 当事人基本情况.
import type { BlockSnapshot, PartySnapshot } from './document-schema.ts';
import { renderText } from './fields.ts';

/** Block text with field values filled in (unfilled fields as 【label】). */
export function renderBlock(block: BlockSnapshot): string {
  return renderText(block.text, block.fields);
}

const CN_ORDINALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1 → 一, 12 → 十二, 21 → 二十一: clause numbering in the printed agreement (一、二、…). */
export function chineseOrdinal(n: number): string {
  if (n <= 10) return CN_ORDINALS[n]!;
  if (n < 20) return `十${CN_ORDINALS[n - 10]}`;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${CN_ORDINALS[tens]}十${ones ? CN_ORDINALS[ones] : ''}`;
}

export const ROLE_LABELS: Record<PartySnapshot['role'], string> = { APPLICANT: '申请人', RESPONDENT: '被申请人' };
export const SIDE_LABELS: Record<PartySnapshot['side'], string> = { A: '甲方', B: '乙方' };

/** One line of 当事人基本情况: "甲方（申请人）：王某，男，身份证号码…，住…，联系电话…". */
export function formatPartyLine(p: PartySnapshot, label = `${SIDE_LABELS[p.side]}（${ROLE_LABELS[p.role]}）`): string {
  const bits: string[] = [p.name || '【姓名】'];
  if (p.personType === 'legal') {
    if (p.creditCode) bits.push(`统一社会信用代码${p.creditCode}`);
    if (p.address) bits.push(`住所地${p.address}`);
    if (p.legalRepresentative) bits.push(`法定代表人（负责人）${p.legalRepresentative}`);
  } else {
    if (p.gender) bits.push(p.gender);
    if (p.idMasked) bits.push(`身份证号码${p.idMasked}`);
    if (p.address) bits.push(`住${p.address}`);
  }
  if (p.phone) bits.push(`联系电话${p.phone}`);
  let line = `${label}：${bits.join('，')}。`;
  if (p.agent) line += `委托代理人：${p.agent}。`;
  return line;
}
