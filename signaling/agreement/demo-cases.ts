// Demo agreements modelled on cases reported from the 青山区综治中心 (包头): the leaking
// direct-drinking-water pipe of 王某 on the 6th floor settled 背对背, the developer's claim
// against owner 张某 for the rest of the purchase price and liquidated damages, one of the 440+
// financial disputes, and typical 物业, 民间借贷 and general cases. Names are anonymised as in the
// reports. Used for demo data and as the "filled" fixtures of the template tests.
import type * as Y from 'yjs';
import { idNumberCheckChar } from '../domain/id-number.ts';
import { createAgreementDoc, type AgreementCaseData } from './document.ts';
import { addClauseFromTemplate } from './editing.ts';
import type { TemplateCatalog } from './template-schema.ts';

/** The demo "today" and planned signing date: every demo deadline lies after them. */
export const DEMO_TODAY = '2026-03-01';
export const DEMO_SIGNING_DATE = '2026-03-02';
const ORG = '青山区人民调解委员会';
const QINGSHAN = '内蒙古自治区包头市青山区';

/** A syntactically valid (GB 11643) demo ID number from its first 17 digits. */
const id = (first17: string) => first17 + idNumberCheckChar(first17);

export interface DemoCase {
  templateId: string;
  caseData: AgreementCaseData;
  /** Clauses added from the template's library after creation, with their values. */
  extraClauses?: Array<{ key: string; index?: number; values: Record<string, string> }>;
}

export const DEMO_CASES: Record<string, DemoCase> = {
  neighbour: {
    templateId: 'neighbour',
    caseData: {
      caseNumber: '青山调〔2026〕第12号',
      disputeType: 'NEIGHBOUR',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        { role: 'APPLICANT', side: 'A', name: '刘某', gender: '男', idNumber: id('15020419780314201'), address: `${QINGSHAN}青山路街道青五社区某小区3号楼1单元502室`, phone: '13904721234' },
        { role: 'APPLICANT', side: 'A', name: '陈某', gender: '女', idNumber: id('15020419650921302'), address: `${QINGSHAN}青山路街道青五社区某小区3号楼1单元402室`, phone: '13847265678' },
        { role: 'RESPONDENT', side: 'B', name: '王某', gender: '男', idNumber: id('15020419820607151'), address: `${QINGSHAN}青山路街道青五社区某小区3号楼1单元602室`, phone: '15604729876' },
      ],
      fieldValues: {
        'facts.affectedAddress': '青山路街道青五社区某小区3号楼1单元502室、402室',
        'facts.sourceAddress': '同单元602室',
        'facts.leakStart': '2025年2月10日',
        'facts.leakSource': '直饮水管道',
        'facts.damage': '卫生间吊顶、卧室墙面及厨房吊顶',
        'facts.inspector': '社区网格员、物业维修人员',
        'liability.leakSource': '直饮水管道',
        'repair.repairDeadline': '2026年3月10日',
        'repair.leakSource': '直饮水管道',
        'compensation.payDeadline': '2026年3月15日',
        'compensation.payee': '刘某',
        'compensation.damage': '卫生间吊顶、卧室墙面',
        'compensation.amount': '8600',
      },
      performance: {
        place: '乙方房屋（管道维修）；甲方各自指定的银行账户（赔偿款）',
        deadline: '2026年3月15日前',
        account: '刘某：中国工商银行包头青山支行 6222020602001234567；陈某：中国建设银行包头青山支行 6217000012345678901',
      },
    },
    // 背对背: the second household below gets its own compensation clause.
    extraClauses: [{ key: 'compensation', index: 2, values: { 'compensation.payDeadline': '2026-03-15', 'compensation.payee': '陈某', 'compensation.damage': '厨房吊顶', 'compensation.amount': '3200元' } }],
  },
  'property-sale': {
    templateId: 'property-sale',
    caseData: {
      caseNumber: '青山调〔2026〕第27号',
      disputeType: 'PROPERTY_SALE',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        {
          role: 'APPLICANT',
          side: 'A',
          personType: 'legal',
          name: '包头市某房地产开发有限公司',
          creditCode: '91150204MA0N3K7Q2R',
          legalRepresentative: '赵某',
          address: `${QINGSHAN}钢铁大街某号`,
          phone: '04725123456',
          agent: '周某，该公司员工',
        },
        { role: 'RESPONDENT', side: 'B', name: '张某', gender: '男', idNumber: id('15020319870112301'), address: `${QINGSHAN}某小区8号楼2单元1101室`, phone: '18647201234' },
      ],
      fieldValues: {
        'facts.contractDate': '2024-05-18',
        'facts.contractName': '商品房买卖合同',
        'facts.houseAddress': '包头市青山区某小区8号楼2单元1101室',
        'facts.totalPrice': '86万元',
        'facts.paidAmount': '600,000.00',
        'payment.payDeadline': '2026年3月31日',
        'payment.remaining': '26万元',
        'penalty.penalty': '8000',
        'penalty.penaltyDeadline': '2026年3月31日',
        'registration.handoverDays': '30',
      },
      performance: {
        place: '甲方指定银行账户',
        deadline: '2026年3月31日前',
        account: '户名：包头市某房地产开发有限公司；开户行：中国银行包头青山支行；账号：150201123456789012',
      },
    },
  },
  'financial-loan': {
    templateId: 'financial-loan',
    caseData: {
      caseNumber: '青山调〔2026〕第35号',
      disputeType: 'FINANCIAL_LOAN',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        {
          role: 'APPLICANT',
          side: 'A',
          personType: 'legal',
          name: '某商业银行股份有限公司包头青山支行',
          creditCode: '91150204MA0R2T5W8J',
          legalRepresentative: '孙某',
          address: `${QINGSHAN}某大街66号`,
          phone: '04725234567',
        },
        { role: 'RESPONDENT', side: 'B', name: '李某', gender: '女', idNumber: id('15020419900823402'), address: `${QINGSHAN}某小区12号楼3单元201室`, phone: '13614721111' },
      ],
      fieldValues: {
        'facts.loanDate': '2023年6月20日',
        'facts.contractName': '个人消费借款合同',
        'facts.loanAmount': '8万元',
        'facts.maturity': '2025年6月20日',
        'facts.cutoffDate': '2026年2月28日',
        'facts.principal': '58000',
        'facts.interest': '2360.50',
        'acknowledge.cutoffDate': '2026年2月28日',
        'acknowledge.total': '60360.50',
        'instalments.count': '3',
        'instalments.total': '¥60,360.50',
        'instalments.date1': '2026年3月31日',
        'instalments.amount1': '20000',
        'instalments.date2': '2026年4月30日',
        'instalments.amount2': '20000',
        'instalments.date3': '2026年5月31日',
        'instalments.amount3': '20360.50',
      },
      performance: {
        place: '甲方营业场所（包头市青山区某大街66号）',
        deadline: '2026年5月31日前',
        account: '户名：李某；开户行：某商业银行包头青山支行；账号：6230580000123456789',
      },
    },
  },
  'property-service': {
    templateId: 'property-service',
    caseData: {
      caseNumber: '青山调〔2026〕第41号',
      disputeType: 'PROPERTY_SERVICE',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        {
          role: 'APPLICANT',
          side: 'A',
          personType: 'legal',
          name: '包头市某物业服务有限公司',
          creditCode: '91150204MA0K8P3L5X',
          legalRepresentative: '周某',
          address: `${QINGSHAN}某小区2号楼底商`,
          phone: '04725345678',
        },
        { role: 'RESPONDENT', side: 'B', name: '郭某', gender: '男', idNumber: id('15020419721130251'), address: `${QINGSHAN}某小区5号楼3单元401室`, phone: '13734721234' },
      ],
      fieldValues: {
        'facts.community': '青山区某小区',
        'facts.unit': '5号楼3单元401室',
        'facts.area': '98.6',
        'facts.complaint': '楼道照明长期损坏、地下室渗水未及时处理',
        'facts.arrearsFrom': '2024年1月1日',
        'arrears.payDeadline': '2026年3月20日',
        'arrears.periodFrom': '2024年1月1日',
        'arrears.periodTo': '2025年12月31日',
        'arrears.arrears': '2839.68',
        'rectify.fixDeadline': '2026年3月31日',
        'rectify.fixItems': '5号楼楼道照明维修和地下室渗水处理',
        'futureFees.nextFrom': '2026年1月1日',
      },
      performance: {
        place: '甲方物业服务中心（某小区2号楼底商）',
        deadline: '2026年3月31日前',
        account: '户名：包头市某物业服务有限公司；开户行：中国农业银行包头青山支行；账号：05270101040012345',
      },
    },
  },
  'private-loan': {
    templateId: 'private-loan',
    caseData: {
      caseNumber: '青山调〔2026〕第48号',
      disputeType: 'PRIVATE_LOAN',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        { role: 'APPLICANT', side: 'A', name: '高某', gender: '男', idNumber: id('15020419680405121'), address: `${QINGSHAN}某小区1号楼1单元101室`, phone: '13904720001' },
        { role: 'RESPONDENT', side: 'B', name: '马某', gender: '男', idNumber: id('15020419850716331'), address: `${QINGSHAN}某小区9号楼2单元502室`, phone: '13904720002' },
      ],
      fieldValues: {
        'facts.loanDate': '2024年6月1日',
        'facts.loanAmount': '5万元',
        'facts.dueDate': '2025年6月1日',
        'principal.payDeadline': '2026年4月30日',
        'principal.principal': '人民币伍万元整',
        'interest.interestDeadline': '2026年4月30日',
        'interest.interest': '1500',
      },
      performance: {
        method: '乙方以银行转账方式支付至甲方指定账户',
        place: '甲方指定银行账户',
        deadline: '2026年4月30日前',
        account: '户名：高某；开户行：中国工商银行包头青山支行；账号：6222020602009876543',
      },
    },
  },
  general: {
    templateId: 'general',
    caseData: {
      caseNumber: '青山调〔2026〕第53号',
      disputeType: 'GENERAL',
      orgName: ORG,
      signingDate: DEMO_SIGNING_DATE,
      parties: [
        { role: 'APPLICANT', side: 'A', name: '孟某', gender: '女', idNumber: id('15020419790210222'), address: `${QINGSHAN}某小区6号楼1单元301室`, phone: '13504721234' },
        { role: 'RESPONDENT', side: 'B', name: '韩某', gender: '男', idNumber: id('15020420010918121'), address: `${QINGSHAN}某小区6号楼2单元602室`, phone: '13504725678' },
      ],
      fieldValues: {
        'facts.factsText': '2026年1月8日，乙方在小区内驾驶电动自行车剐蹭甲方停放的小型轿车，致车辆左后门受损。',
        'issues.issuesText': '双方争议的焦点为修车费用的数额。',
        'liability.liabilityText': '经调解，乙方对剐蹭造成的损失承担全部责任。',
        'payment.payDeadline': '2026年3月10日',
        'payment.payItem': '车辆修理费',
        'payment.amount': '1200',
      },
      performance: {
        method: '银行转账',
        place: '甲方指定银行账户',
        deadline: '2026年3月10日前',
        account: '户名：孟某；开户行：中国银行包头青山支行；账号：6216610600001234567',
      },
    },
  },
};

/** A filled demo agreement for one of the shipped agreement templates. */
export function demoAgreementDoc(catalog: TemplateCatalog, templateId: string, opts: { now?: Date } = {}): Y.Doc {
  const demo = DEMO_CASES[templateId];
  if (!demo) throw new Error(`no demo case for template ${templateId}`);
  const template = catalog.agreement(demo.templateId);
  const doc = createAgreementDoc(template, demo.caseData, { origin: 'demo', now: opts.now });
  for (const extra of demo.extraClauses ?? []) addClauseFromTemplate(doc, template, extra.key, { index: extra.index, values: extra.values }, 'demo');
  return doc;
}

/** Court-document values for the demo neighbour case, beyond what courtValuesFromAgreement gives. */
export const DEMO_COURT_VALUES = {
  court: '包头市青山区人民法院',
  applicationDate: '2026年3月5日',
  caseNumber: '（2026）内0204民特12号',
  judge: '李某',
  clerk: '赵某',
  rulingDate: '2026年3月10日',
  dismissReason: '该调解协议约定的赔偿金额不明确，无法确认',
} as const;
