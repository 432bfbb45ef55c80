// Matters for which 电子签名法 art. 3 excludes electronic documents (婚姻、收养、继承等人身关系;
// 停止供水、供热、供气等公用事业服务): the mediator must know before inviting anyone to sign on
// screen, and signing refuses to start while such a finding stands.
import { finding, type Finding, type FindingCode, type Where } from './checker-findings.ts';

const PERSONAL_STATUS_RE =
  /离婚|结婚|婚姻|夫妻关系|同居关系|收养|送养|继承|遗产|遗嘱|抚养权|抚养费|抚养关系|子女抚养|监护权|监护关系|探望权|探视权|赡养|扶养|亲子关系/;
const UTILITY_RE = /停止(?:供水|供电|供热|供暖|供气|供燃气)|中止(?:供水|供电|供热|供气)|停水|停电|停气|停暖|断水|断电|断气/;

/** Codes that rule out electronic signing (电子签名法 art. 3). */
export const PAPER_SIGNING_CODES: readonly FindingCode[] = ['PERSONAL_STATUS', 'UTILITY_SUSPENSION'];

export function electronicSigningAllowed(findings: readonly Finding[]): boolean {
  return !findings.some((f) => PAPER_SIGNING_CODES.includes(f.code));
}

/** The first personal-status or utility word in the text, or null. */
export function paperSigningMatterIn(text: string): string | null {
  const m = PERSONAL_STATUS_RE.exec(text) ?? UTILITY_RE.exec(text);
  return m ? m[0] : null;
}

export function checkSigningMatters(text: string, where: Where, label: string): Finding[] {
  const out: Finding[] = [];
  const ps = PERSONAL_STATUS_RE.exec(text);
  if (ps) {
    out.push(
      finding(
        'PERSONAL_STATUS',
        where,
        `${label}涉及“${ps[0]}”等人身关系事项，依《电子签名法》第三条不适用电子签名`,
        '该协议须当面以纸质方式签名、按指印；或将人身关系事项与财产事项分开处理。',
      ),
    );
  }
  const ut = UTILITY_RE.exec(text);
  if (ut) {
    out.push(
      finding(
        'UTILITY_SUSPENSION',
        where,
        `${label}涉及“${ut[0]}”，依《电子签名法》第三条停止供水、供热、供气等公用事业服务的文书不适用电子签名`,
        '该协议须以纸质方式签署，或删去相关内容。',
      ),
    );
  }
  return out;
}
