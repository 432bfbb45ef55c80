// The words of the messages a person receives (SMS and WeChat). Stored texts keep {link} where the
// person's link goes: it is filled in only when sending, so the outbox and the database never hold it.
import { PERSON_FACING_STEPS, type MatterEventType } from '../matter-events.ts';

export const LINK_PLACEHOLDER = '{link}';

export function linkMessage(p: { centreName: string; registrationNo: string; statusLabel: string }): string {
  return `【${p.centreName}】您反映的纠纷已登记（${p.registrationNo}），当前：${p.statusLabel}。查看办理进度：${LINK_PLACEHOLDER}`;
}

export function stepMessage(p: { centreName: string; registrationNo: string; type: MatterEventType; detail: string }): string {
  const step = PERSON_FACING_STEPS[p.type] ?? p.type;
  return `【${p.centreName}】您的纠纷（${p.registrationNo}）${step}${p.detail ? `：${p.detail}` : ''}。查看进度：${LINK_PLACEHOLDER}`;
}

export function fillLink(text: string, url: string): string {
  return text.split(LINK_PLACEHOLDER).join(url);
}
