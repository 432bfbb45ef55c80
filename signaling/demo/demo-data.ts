// What the demo centre holds (#15 item 7): staff for each role and the seed report's cases
// (seed-article.txt) — the leaking direct-drinking-water pipe of 王某 on the 6th floor, the
// developer's claim against owner 张某 before the 特邀调解员 边文玲, a batch of the 440+ financial
// disputes and a matter left overdue. Names are anonymised as in the report; ID numbers are
// computed valid (GB 11643) and belong to nobody.
import { creditCodeCheckChar } from '../domain/credit-code.ts';
import { idNumberCheckChar } from '../domain/id-number.ts';
import type { UserRole } from '../domain/vocabulary.ts';

/** Every demo account's password (printed at start: this is a demo data folder, never a real one). */
export const DEMO_PASSWORD = 'qingshan-demo-2026';

export const id = (first17: string) => first17 + idNumberCheckChar(first17);
const creditCode = (first17: string) => first17 + creditCodeCheckChar(first17)!;

export interface DemoStaff {
  key: string;
  username: string;
  displayName: string;
  role: UserRole;
  /** Unit code in the centre's list. */
  unit: string;
  /** What to try with it. */
  tryThis: string;
}

export const DEMO_STAFF: DemoStaff[] = [
  { key: 'dispatcher', username: 'shouli', displayName: '王敏', role: 'DISPATCHER', unit: 'centre-office', tryThis: '中心受理员：登记、分流；逾期事项' },
  { key: 'head', username: 'fuzeren', displayName: '高志强', role: 'UNIT_HEAD', unit: 'committee', tryThis: '调委会负责人：本单位案件' },
  { key: 'mediator', username: 'lirf', displayName: '李瑞芳', role: 'MEDIATOR', unit: 'committee', tryThis: '社区调解员：王某家漏水案，可开始背对背' },
  { key: 'justice', username: 'sifasuo', displayName: '赵建国', role: 'MEDIATOR', unit: 'justice-office', tryThis: '司法所协办调解员：漏水案联合调解' },
  { key: 'police', username: 'paichusuo', displayName: '孙海涛', role: 'MEDIATOR', unit: 'police', tryThis: '派出所协办调解员：漏水案联合调解' },
  { key: 'invited', username: 'bianwl', displayName: '边文玲', role: 'MEDIATOR', unit: 'court-invited', tryThis: '特邀调解员：房屋买卖纠纷，协议已锁定待签署' },
  {
    key: 'invitedHead',
    username: 'tyfuze',
    displayName: '韩立新',
    role: 'UNIT_HEAD',
    unit: 'court-invited',
    tryThis: '特邀调解组织负责人：接收分流、指派调解员',
  },
  { key: 'financialHead', username: 'jrfuze', displayName: '周丽', role: 'UNIT_HEAD', unit: 'financial', tryThis: '金融调解中心负责人：接收分流、指派调解员' },
  { key: 'financial', username: 'jinrong', displayName: '陈静', role: 'MEDIATOR', unit: 'financial', tryThis: '金融纠纷调解员：一批金融借款纠纷' },
  { key: 'grid', username: 'wangge', displayName: '刘晓燕', role: 'GRID_WORKER', unit: 'committee', tryThis: '网格员：随手记' },
  { key: 'judge', username: 'faguan', displayName: '周法官', role: 'JUDGE', unit: 'committee', tryThis: '法官：司法确认申请' },
];

const QINGSHAN = '内蒙古自治区包头市青山区';

export interface DemoParty {
  role: 'APPLICANT' | 'RESPONDENT';
  side: 'A' | 'B';
  name: string;
  phone: string;
  idNumber: string;
  address: string;
  personType?: 'legal';
  creditCode?: string;
  representative?: string;
  representativeTitle?: string;
}

export const LEAK_CASE = {
  title: '王某家直饮水管道漏水纠纷',
  disputeType: 'NEIGHBOUR' as const,
  summary: '6楼王某家直饮水管道漏水，致楼下刘某家卫生间吊顶、卧室墙面受损；社区调委会会同司法所、派出所联合调解，拟背对背沟通赔偿数额。',
  place: '青山路街道青五社区某小区3号楼1单元',
  parties: [
    { role: 'APPLICANT', side: 'A', name: '刘某', phone: '13904721234', idNumber: id('15020419780314201'), address: `${QINGSHAN}某小区3号楼1单元502室` },
    { role: 'RESPONDENT', side: 'B', name: '王某', phone: '15604729876', idNumber: id('15020419820607151'), address: `${QINGSHAN}某小区3号楼1单元602室` },
  ] satisfies DemoParty[],
};

export const SALE_CASE = {
  title: '某房地产公司与张某房屋买卖合同纠纷',
  disputeType: 'PROPERTY_SALE' as const,
  summary: '张某购房后未按约支付剩余房款26万元，开发商诉前委派特邀调解员边文玲调解，双方已就分期付款和违约金达成一致。',
  parties: [
    {
      role: 'APPLICANT',
      side: 'A',
      personType: 'legal',
      name: '包头市某房地产开发有限公司',
      phone: '04725123456',
      idNumber: id('15020419700101201'),
      creditCode: creditCode('91150204MA0N3K7Q2'),
      representative: '赵某',
      representativeTitle: '董事长',
      address: `${QINGSHAN}钢铁大街某号`,
    },
    { role: 'RESPONDENT', side: 'B', name: '张某', phone: '18647201234', idNumber: id('15020319870112301'), address: `${QINGSHAN}某小区8号楼2单元1101室` },
  ] satisfies DemoParty[],
  /** The property-sale template's fill-ins (dates after the demo's today). */
  fields: {
    'facts.contractDate': '2024年5月18日',
    'facts.contractName': '商品房买卖合同',
    'facts.houseAddress': '包头市青山区某小区8号楼2单元1101室',
    'facts.totalPrice': '86万元',
    'facts.paidAmount': '60万元',
    'payment.payDeadline': '2027年3月31日',
    'payment.remaining': '26万元',
    'penalty.penalty': '8000',
    'penalty.penaltyDeadline': '2027年3月31日',
    'registration.handoverDays': '30',
  } as Record<string, string>,
  performance: {
    method: '乙方以银行转账方式支付至甲方指定账户',
    place: '甲方指定银行账户',
    deadline: '2027年3月31日前',
    account: '户名：包头市某房地产开发有限公司；开户行：中国银行包头青山支行；账号：150201123456789012',
  },
};

const BANK: DemoParty = {
  role: 'APPLICANT',
  side: 'A',
  personType: 'legal',
  name: '某商业银行股份有限公司包头青山支行',
  phone: '04725234567',
  idNumber: id('15020419750505101'),
  creditCode: creditCode('91150204MA0R2T5W8'),
  representative: '孙某',
  representativeTitle: '行长',
  address: `${QINGSHAN}某大街66号`,
};

/** A batch of the financial disputes (金融借款合同纠纷) the bank brought to the centre at once. */
export const FINANCIAL_BATCH = [
  ['李某', '13614721111', '15020419900823402', 58_000],
  ['赵某', '13614722222', '15020419850214113', 36_500],
  ['钱某', '13614723333', '15020419920630224', 120_000],
  ['孙某', '13614724444', '15020419780909135', 18_900],
  ['周某', '13614725555', '15020419881111246', 74_200],
].map(([name, phone, id17, amountYuan]) => ({
  title: `某商业银行诉${name}金融借款合同纠纷`,
  disputeType: 'FINANCIAL_LOAN' as const,
  summary: `借款人${name}逾期未还本息共计${amountYuan}元，银行申请调解，拟分期偿还。`,
  amountFen: Number(amountYuan) * 100,
  parties: [
    BANK,
    { role: 'RESPONDENT', side: 'B', name: String(name), phone: String(phone), idNumber: id(String(id17)), address: `${QINGSHAN}某小区` },
  ] satisfies DemoParty[],
}));

export const OVERDUE_MATTER = {
  title: '刘某反映楼上装修噪音扰民',
  disputeType: 'NEIGHBOUR' as const,
  summary: '来电反映楼上住户连续多日夜间装修，协商未果，请求调解。',
  place: '青山区富强路街道某小区',
  party: { name: '刘某', phone: '13947201111' },
  /** Registered this long ago and never routed: its 分流 deadline (24 h) has passed. */
  registeredHoursAgo: 72,
};
