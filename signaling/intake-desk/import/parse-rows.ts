// Reads an uploaded import file and checks every row: the answer is either all rows, checked and
// normalised, or every problem found, each named by its row and column — never a part of the file.
import ExcelJS from 'exceljs';
import { creditCodeProblem, normalizeCreditCode } from '../../domain/credit-code.ts';
import { idNumberProblem, normalizeIdNumber } from '../../domain/id-number.ts';
import { normalizePhone, phoneProblem } from '../../domain/phone.ts';
import { DISPUTE_TYPES, type DisputeType } from '../../domain/vocabulary.ts';
import { DomainError } from '../../errors.ts';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS, type ImportColumnKey } from './columns.ts';

export interface ImportRow {
  /** The row number as Excel shows it. */
  row: number;
  applicantName: string;
  applicantCreditCode: string | undefined;
  applicantPhone: string;
  agentIdNumber: string;
  respondentName: string;
  respondentIdNumber: string;
  respondentPhone: string;
  respondentAddress: string | undefined;
  disputeType: DisputeType;
  amountFen: number | undefined;
  summary: string;
  place: string | undefined;
}

export interface RowProblem {
  row: number;
  /** The column's header (Chinese), or 表头 / 文件. */
  field: string;
  message: string;
}

export class ImportRejected extends DomainError {
  constructor(readonly problems: RowProblem[]) {
    super('IMPORT_REJECTED', `导入文件有${problems.length}处错误，未导入任何记录；请按错误清单修改后重新上传`);
  }
}

const MAX_LEN: Partial<Record<ImportColumnKey, number>> = { applicantName: 60, respondentName: 30, respondentAddress: 200, summary: 4000, place: 200 };
const DEFAULT_TYPE: DisputeType = 'FINANCIAL_LOAN';

/** A cell as text: rich text joined, formulas by their result, hyperlinks by their text. */
function cellText(value: ExcelJS.CellValue): { text: string } | { problem: string } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'number') return { text: String(value) };
  if (typeof value === 'boolean') return { text: value ? '是' : '否' };
  if (value instanceof Date) return { problem: '不应为日期' };
  if ('richText' in value)
    return {
      text: value.richText
        .map((r) => r.text)
        .join('')
        .trim(),
    };
  if ('formula' in value || 'sharedFormula' in value)
    return 'result' in value && value.result !== undefined ? cellText(value.result as ExcelJS.CellValue) : { text: '' };
  if ('text' in value) return { text: String(value.text).trim() };
  if ('error' in value) return { problem: `单元格有错误值 ${value.error}` };
  return { problem: '无法识别的单元格内容' };
}

export async function parseImportFile(bytes: Buffer): Promise<ImportRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs types its input as an ArrayBuffer; it reads any bytes (JSZip).
    await wb.xlsx.load(new Uint8Array(bytes).buffer);
  } catch {
    throw new DomainError('IMPORT_FILE_UNREADABLE');
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new DomainError('IMPORT_FILE_UNREADABLE', '文件中没有工作表');
  const problems: RowProblem[] = [];

  const header = sheet.getRow(1);
  IMPORT_COLUMNS.forEach((c, i) => {
    const got = cellText(header.getCell(i + 1).value);
    const text = 'text' in got ? got.text.replace(/\*$/, '') : '';
    if (text !== c.header) problems.push({ row: 1, field: '表头', message: `第${i + 1}列应为“${c.header}”，实为“${text || '空'}”；请使用导入模板` });
  });
  if (problems.length) throw new ImportRejected(problems);

  const rows: ImportRow[] = [];
  const last = sheet.actualRowCount === 0 ? 1 : (sheet.lastRow?.number ?? 1);
  if (last - 1 > MAX_IMPORT_ROWS) throw new DomainError('IMPORT_TOO_MANY_ROWS', `单次最多导入${MAX_IMPORT_ROWS}行，本文件有${last - 1}行`);
  for (let r = 2; r <= last; r++) {
    const row = sheet.getRow(r);
    const raw = {} as Record<ImportColumnKey, string>;
    const rowProblems: RowProblem[] = [];
    const fail = (key: ImportColumnKey, message: string) => rowProblems.push({ row: r, field: IMPORT_COLUMNS.find((c) => c.key === key)!.header, message });
    IMPORT_COLUMNS.forEach((c, i) => {
      const value = row.getCell(i + 1).value;
      // An ID number typed as a number has already lost its last digits in Excel.
      if (typeof value === 'number' && (c.key === 'agentIdNumber' || c.key === 'respondentIdNumber') && value > 1e15) {
        raw[c.key] = '';
        fail(c.key, '身份证号码被存成了数字（末几位已丢失），请将该列设为文本格式后重新填写');
        return;
      }
      const got = cellText(value);
      raw[c.key] = 'text' in got ? got.text : '';
      if ('problem' in got) fail(c.key, got.problem);
    });
    if (IMPORT_COLUMNS.every((c) => raw[c.key] === '') && rowProblems.length === 0) continue; // an empty row
    for (const c of IMPORT_COLUMNS) {
      if (c.required && raw[c.key] === '' && !rowProblems.some((p) => p.field === c.header)) fail(c.key, '必填，不能为空');
      const max = MAX_LEN[c.key];
      if (max && [...raw[c.key]].length > max) fail(c.key, `不能超过${max}个字`);
    }
    const phoneCheck = (key: 'applicantPhone' | 'respondentPhone', mobileOnly: boolean) => {
      if (!raw[key]) return;
      const problem = phoneProblem(raw[key]);
      if (problem) fail(key, problem);
      else if (mobileOnly && !/^1[3-9]\d{9}$/.test(normalizePhone(raw[key]))) fail(key, '须为11位手机号码（调解邀请以短信发送）');
    };
    phoneCheck('applicantPhone', false);
    phoneCheck('respondentPhone', true);
    for (const key of ['agentIdNumber', 'respondentIdNumber'] as const) {
      const problem = raw[key] && idNumberProblem(raw[key]);
      if (problem) fail(key, problem);
    }
    const creditProblem = raw.applicantCreditCode && creditCodeProblem(raw.applicantCreditCode);
    if (creditProblem) fail('applicantCreditCode', creditProblem);
    const type = raw.disputeType === '' ? DEFAULT_TYPE : DISPUTE_TYPES.find((d) => d.label === raw.disputeType || d.key === raw.disputeType)?.key;
    if (!type) fail('disputeType', `“${raw.disputeType}”不是纠纷类型，可填：${DISPUTE_TYPES.map((d) => d.label).join('、')}`);
    let amountFen: number | undefined;
    if (raw.amountYuan !== '') {
      const clean = raw.amountYuan.replace(/[,，\s元]/g, '');
      if (!/^\d{1,12}(\.\d{1,2})?$/.test(clean)) fail('amountYuan', '应为不小于0的数字，最多两位小数');
      else amountFen = Math.round(Number(clean) * 100);
    }
    if (rowProblems.length) {
      // In the columns' order, as the person correcting the file reads the row.
      const column = (p: RowProblem) => IMPORT_COLUMNS.findIndex((c) => c.header === p.field);
      problems.push(...rowProblems.sort((a, b) => column(a) - column(b)));
      continue;
    }
    rows.push({
      row: r,
      applicantName: raw.applicantName,
      applicantCreditCode: raw.applicantCreditCode ? normalizeCreditCode(raw.applicantCreditCode) : undefined,
      applicantPhone: normalizePhone(raw.applicantPhone),
      agentIdNumber: normalizeIdNumber(raw.agentIdNumber),
      respondentName: raw.respondentName,
      respondentIdNumber: normalizeIdNumber(raw.respondentIdNumber),
      respondentPhone: normalizePhone(raw.respondentPhone),
      respondentAddress: raw.respondentAddress || undefined,
      disputeType: type!,
      amountFen,
      summary: raw.summary,
      place: raw.place || undefined,
    });
  }
  if (problems.length) throw new ImportRejected(problems);
  if (rows.length === 0) throw new ImportRejected([{ row: 2, field: '文件', message: '文件中没有可导入的数据行' }]);
  return rows;
}
