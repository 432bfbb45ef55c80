// Rendering helpers shared by the PDF, the checker, court documents and diffs: a block with its
// fill-ins, clause numbering and the party line of 当事人基本情况.
import type { BlockSnapshot, PartySnapshot } from './document-schema.ts';
import { formatDateCn } from './dates.ts';
import { renderText } from './fields.ts';
import { maskIdNumber } from '../domain/id-number.ts';

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

/** The representative as printed: "赵某（总经理）". */
export function representativeText(p: PartySnapshot): string | null {
  if (!p.legalRepresentative) return null;
  return p.representativeTitle ? `${p.legalRepresentative}（${p.representativeTitle}）` : p.legalRepresentative;
}

/** "1978年3月14日出生" from YYYY-MM-DD. */
export function birthText(p: PartySnapshot): string | null {
  return p.birthDate ? `${formatDateCn(p.birthDate)}出生` : null;
}

/**
 * One line of 当事人基本情况 (court documents): "申请人：王某，男，1982年6月7日出生，汉族，身份证号码…，
 * 住…，联系电话…"; an organisation with its credit code, 住所地 and representative. 送达地址 only
 * when it differs from the address.
 */
export function formatPartyLine(p: PartySnapshot, label = `${SIDE_LABELS[p.side]}（${ROLE_LABELS[p.role]}）`): string {
  const bits: string[] = [p.name || '【姓名】'];
  if (p.personType === 'legal') {
    if (p.creditCode) bits.push(`统一社会信用代码${p.creditCode}`);
    if (p.address) bits.push(`住所地${p.address}`);
    const rep = representativeText(p);
    if (rep) bits.push(`法定代表人（负责人）${rep}`);
  } else {
    if (p.gender) bits.push(p.gender);
    const born = birthText(p);
    if (born) bits.push(born);
    if (p.ethnicity) bits.push(p.ethnicity);
    if (p.idMasked) bits.push(`身份证号码${maskIdNumber(p.idMasked)}`);
    if (p.address) bits.push(`住${p.address}`);
  }
  if (p.serviceAddress && p.serviceAddress !== p.address) bits.push(`送达地址${p.serviceAddress}`);
  // No 联系电话: every party receives this text, and a party's phone is not for the other side (PIPL art. 6).
  let line = `${label}：${bits.join('，')}。`;
  line += agentText(p) ?? '';
  return line;
}

/**
 * The agent line under a party: a 法定代理人 with its relationship to the party (民法典 arts. 23,
 * 27), or a 委托代理人; null without an agent.
 */
export function agentText(p: Pick<PartySnapshot, 'name' | 'agent' | 'agentType' | 'agentRelationship'>): string | null {
  if (!p.agent) return null;
  if (p.agentType === 'statutory') return `法定代理人：${p.agent}${p.agentRelationship ? `，系${p.name}的${p.agentRelationship}` : ''}。`;
  return `委托代理人：${p.agent}。`;
}
