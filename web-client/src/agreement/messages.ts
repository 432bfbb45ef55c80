// What the agreement screens say when something fails: the API's own (Chinese) message where there is
// one, a plain fallback otherwise, and why the draft could not be opened at all.
import { ERRORS, isErrorCode } from '../../../signaling/errors.ts';
import { ApiError } from '../api.ts';

export const errText = (e: unknown) =>
  e instanceof ApiError ? e.message : e instanceof Error && /[\u3400-\u9fff]/.test(e.message) ? e.message : '操作失败，请重试';
/** The HTTP route is not there (older server): the editor may apply the change to the doc itself. */
export const routeMissing = (e: unknown) => e instanceof ApiError && e.status === 404 && e.message.startsWith('接口不存在');

export function deniedMessage(reason: string | null): string {
  if (!reason) return '没有权限查看本案的协议草稿';
  if (/[\u3400-\u9fff]/.test(reason)) return reason;
  if (reason === 'FORBIDDEN' || reason === 'CASE_NOT_FOUND') return '您无权查看本案的协议草稿';
  return isErrorCode(reason) ? ERRORS[reason].message : `无法打开协议草稿（${reason}）`;
}
