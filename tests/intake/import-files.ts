// Import files for the tests and the bench: realistic financial-dispute rows (a bank's overdue
// consumer loans against borrowers with valid ID and phone numbers), written with the template's
// header so they go through exactly what an institution uploads.
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, type ImportColumnKey } from '../../signaling/intake-desk/import/columns.ts';
import { makeIdNumber } from '../support/server.ts';

export type ImportCells = Partial<Record<ImportColumnKey, string | number | null>>;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = ['建国', '秀英', '志强', '丽娟', '海燕', '国庆', '俊杰', '雪梅', '晓东', '春花'];
const BANKS = ['包商银行股份有限公司青山支行', '中国工商银行股份有限公司包头青山支行', '包头农村商业银行股份有限公司'];

/** Row i of a realistic batch (deterministic, so a run is repeatable); `batch` keeps numbers distinct across batches. */
export function financialDisputeRow(i: number, batch = 0): ImportCells {
  const n = batch * 100_000 + i;
  const year = 1960 + (n % 40);
  const birth = `${year}${String((n % 12) + 1).padStart(2, '0')}${String((n % 28) + 1).padStart(2, '0')}`;
  const amount = 5000 + ((n * 7919) % 195_000);
  return {
    applicantName: BANKS[n % BANKS.length]!,
    applicantCreditCode: null,
    applicantPhone: '0472-2155555',
    agentIdNumber: makeIdNumber('15020419800101001'),
    respondentName: `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}`,
    respondentIdNumber: makeIdNumber(`150204${birth}${String(n % 1000).padStart(3, '0')}`),
    respondentPhone: `139${String(10_000_000 + (n % 89_999_999)).padStart(8, '0')}`,
    respondentAddress: `内蒙古自治区包头市青山区富强路${(n % 300) + 1}号`,
    disputeType: '金融借款合同纠纷',
    amountYuan: amount,
    summary: `被申请人于2024年${(n % 12) + 1}月向申请人借款${amount}元，约定按月还款，自2025年起逾期未还，申请人请求调解，协商还款计划。`,
    place: null,
  };
}

export async function importXlsx(rows: readonly ImportCells[], header: readonly string[] = IMPORT_COLUMNS.map((c) => c.header)): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('导入数据');
  sheet.addRow([...header]);
  for (const row of rows) sheet.addRow(IMPORT_COLUMNS.map((c) => row[c.key] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
