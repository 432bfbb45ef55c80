// The kinds of member unit a 综治中心 gathers (1+N). A closed list: routing rules, the dashboard
// and the joint-mediation badge key on it.
export const UNIT_KINDS = [
  { key: 'CENTRE_OFFICE', label: '综治中心受理窗口' },
  { key: 'PEOPLES_MEDIATION', label: '人民调解委员会' },
  { key: 'PROFESSIONAL_MEDIATION', label: '行业性/专业性调解组织' },
  { key: 'LAWYER_MEDIATION', label: '律师调解' },
  { key: 'COURT_INVITED', label: '法院特邀调解' },
  { key: 'JUSTICE_OFFICE', label: '司法所' },
  { key: 'POLICE_STATION', label: '派出所' },
  { key: 'PETITION', label: '信访' },
  { key: 'ARBITRATION', label: '仲裁' },
  { key: 'OTHER', label: '其他单位' },
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number]['key'];
export const UNIT_KIND_KEYS = UNIT_KINDS.map((k) => k.key) as [UnitKind, ...UnitKind[]];

export function isUnitKind(value: string): value is UnitKind {
  return (UNIT_KIND_KEYS as readonly string[]).includes(value);
}
