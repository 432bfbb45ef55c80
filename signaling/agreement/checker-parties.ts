// Party checks: enough parties, and for each the particulars 人民调解法 art. 29 asks for. Also used
// by court.ts for the applicants of a 司法确认申请书 (hence partyWord and a numeric minimum).
import type { PartySnapshot } from './document-schema.ts';
import { finding, type Finding, type Where } from './checker-findings.ts';

export function checkParties(parties: readonly PartySnapshot[], opts: { partyWord?: string; minimum?: 'sides' | number } = {}): Finding[] {
  const out: Finding[] = [];
  const minimum = opts.minimum ?? 'sides';
  if (minimum === 'sides') {
    const missing = (['A', 'B'] as const).filter((s) => !parties.some((p) => p.side === s));
    if (missing.length) {
      out.push(
        finding(
          'PARTIES_TOO_FEW',
          { section: 'parties' },
          `缺少${missing.map((s) => (s === 'A' ? '甲方' : '乙方')).join('、')}当事人`,
          '调解协议须列明纠纷各方当事人，请从案件当事人中添加。',
        ),
      );
    }
  } else if (parties.length < minimum) {
    out.push(finding('PARTIES_TOO_FEW', { section: 'parties' }, `当事人不足${minimum}人`, '司法确认须由双方当事人共同申请，请列明全部申请人。'));
  }
  parties.forEach((p, i) => {
    const who = p.name ? `${opts.partyWord ?? (p.side === 'A' ? '甲方' : '乙方')}${p.name}` : `第${i + 1}位当事人`;
    const at = (field: string): Where => ({ section: 'parties', partyId: p.id, field });
    if (!p.name.trim())
      out.push(finding('PARTY_NAME_MISSING', at('name'), `${who}：姓名（名称）未填写`, '填写与身份证件一致的姓名，单位填写营业执照上的全称。'));
    if (p.personType === 'natural' && !p.idMasked) {
      out.push(finding('PARTY_ID_MISSING', at('idMasked'), `${who}：身份证号码未填写`, '填写居民身份证号码，文书中只显示脱敏后的号码。'));
    }
    if (p.personType === 'legal' && !p.creditCode) {
      out.push(finding('PARTY_ID_MISSING', at('creditCode'), `${who}：统一社会信用代码未填写`, '在协议书“当事人”栏按营业执照填写18位统一社会信用代码。'));
    }
    if (p.personType === 'legal' && !p.legalRepresentative) {
      out.push(
        finding('PARTY_REPRESENTATIVE_MISSING', at('legalRepresentative'), `${who}：法定代表人（负责人）未填写`, '填写法定代表人姓名；分支机构填写负责人。'),
      );
    }
    if (!p.address)
      out.push(
        finding(
          'PARTY_ADDRESS_MISSING',
          at('address'),
          `${who}：${p.personType === 'legal' ? '住所地' : '住所'}未填写`,
          '在协议书“当事人”栏或案件页的当事人信息中填写：自然人填写户籍地或经常居住地，单位填写住所地。',
        ),
      );
  });
  return out;
}
