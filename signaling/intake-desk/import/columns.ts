// The import template's columns (one row a matter: the institution applying, the person it is in
// dispute with, what and how much). The header row names them; the file must keep them in order.
export const IMPORT_COLUMNS = [
  { key: 'applicantName', header: '申请人（机构）名称', required: true, width: 28, note: '如：某某银行股份有限公司包头分行' },
  { key: 'applicantCreditCode', header: '统一社会信用代码', required: false, width: 22, note: '18位，可不填' },
  { key: 'applicantPhone', header: '机构联系电话', required: true, width: 16, note: '手机或带区号的座机' },
  { key: 'agentIdNumber', header: '经办人身份证号码', required: true, width: 22, note: '代表机构参加调解的人' },
  { key: 'respondentName', header: '被申请人姓名', required: true, width: 12, note: '' },
  { key: 'respondentIdNumber', header: '被申请人身份证号码', required: true, width: 22, note: '18位，请以文本格式填写' },
  { key: 'respondentPhone', header: '被申请人手机号码', required: true, width: 16, note: '11位手机号，调解邀请将发送到此号码' },
  { key: 'respondentAddress', header: '被申请人住址', required: false, width: 30, note: '可不填' },
  { key: 'disputeType', header: '纠纷类型', required: false, width: 18, note: '不填为“金融借款合同纠纷”' },
  { key: 'amountYuan', header: '争议金额（元）', required: false, width: 14, note: '数字，最多两位小数' },
  { key: 'summary', header: '案情摘要', required: true, width: 50, note: '借款时间、金额、逾期情况、诉求' },
  { key: 'place', header: '纠纷发生地', required: false, width: 24, note: '可不填' },
] as const;

export type ImportColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];
export const MAX_IMPORT_ROWS = 2000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
