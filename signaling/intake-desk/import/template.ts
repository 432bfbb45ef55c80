// The downloadable import template: the header row, text-formatted identity columns (Excel would
// otherwise turn an 18-digit ID number into 1.10101E+17) and a sheet of instructions.
import ExcelJS from 'exceljs';
import { DISPUTE_TYPES } from '../../domain/vocabulary.ts';
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS } from './columns.ts';

export const TEXT_COLUMNS: ReadonlySet<string> = new Set(['applicantCreditCode', 'applicantPhone', 'agentIdNumber', 'respondentIdNumber', 'respondentPhone']);

export async function importTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jiefen';
  const sheet = wb.addWorksheet('导入数据');
  sheet.columns = IMPORT_COLUMNS.map((c) => ({ header: c.required ? `${c.header}*` : c.header, key: c.key, width: c.width }));
  IMPORT_COLUMNS.forEach((c, i) => {
    if (TEXT_COLUMNS.has(c.key)) sheet.getColumn(i + 1).numFmt = '@';
  });
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const help = wb.addWorksheet('填写说明');
  help.columns = [
    { header: '列', key: 'column', width: 22 },
    { header: '是否必填', key: 'required', width: 10 },
    { header: '说明', key: 'note', width: 60 },
  ];
  for (const c of IMPORT_COLUMNS) help.addRow({ column: c.header, required: c.required ? '必填' : '选填', note: c.note });
  help.addRow({});
  help.addRow({ column: '纠纷类型可填', note: DISPUTE_TYPES.map((d) => d.label).join('、') });
  help.addRow({ column: '注意', note: `每次最多导入${MAX_IMPORT_ROWS}行；任何一行有错误，整个文件都不会导入，系统会列出每个错误所在的行和列。` });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
