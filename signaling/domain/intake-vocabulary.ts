// How a matter reached the centre (来源渠道) and how urgent it is.
export const INTAKE_CHANNELS = [
  { key: 'ONLINE', label: '网上申请' },
  { key: 'WINDOW', label: '窗口来访' },
  { key: 'PHONE', label: '来电' },
  { key: 'GRID', label: '网格员随手记' },
  { key: 'IMPORT', label: '批量导入' },
] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number]['key'];
export const INTAKE_CHANNEL_KEYS = INTAKE_CHANNELS.map((c) => c.key) as [IntakeChannel, ...IntakeChannel[]];

export const URGENCIES = [
  { key: 'NORMAL', label: '一般' },
  { key: 'URGENT', label: '紧急' },
] as const;
export type Urgency = (typeof URGENCIES)[number]['key'];
export const URGENCY_KEYS = URGENCIES.map((u) => u.key) as [Urgency, ...Urgency[]];

export const MATTER_PARTY_ROLES = [
  { key: 'APPLICANT', label: '申请人' },
  { key: 'RESPONDENT', label: '被申请人' },
  { key: 'OTHER', label: '其他当事人' },
] as const;
export type MatterPartyRole = (typeof MATTER_PARTY_ROLES)[number]['key'];
export const MATTER_PARTY_ROLE_KEYS = MATTER_PARTY_ROLES.map((r) => r.key) as [MatterPartyRole, ...MatterPartyRole[]];

/** Registration numbers in the customary form 青山综受〔2026〕第12号. */
export function formatRegistrationNumber(centreShortName: string, year: number, seq: number): string {
  return `${centreShortName}综受〔${year}〕第${seq}号`;
}
