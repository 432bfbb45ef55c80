// Mainland mobile numbers (11 digits starting 1[3-9]) or landlines with area code (0xx-xxxxxxx).
export function normalizePhone(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^\+?86/, '');
}

export function phoneProblem(raw: string): string | null {
  const p = normalizePhone(raw);
  if (/^1[3-9]\d{9}$/.test(p)) return null;
  if (/^0\d{2,3}\d{7,8}$/.test(p)) return null;
  return '手机号码应为11位（如 13800138000），座机请带区号';
}
