// The centre's online front door (#15 items 2 and 6): the public application page (/api/apply),
// the person's follow page (/api/follow) and, for staff, the QR poster and the notification outbox
// (/api/intake/public); and the notifier, the durable consumer of matter events that tells the
// person of each step (intake/follow/notifier.ts). server.ts starts the notifier after listening.
import type { AreaDirectory } from '../../areas/areas.ts';
import type { AppContext } from '../../context.ts';
import type { ApiArea } from '../../http/api-area.ts';
import type { SmsProvider } from '../../signing/sms.ts';
import { MatterNotifier } from '../follow/notifier.ts';
import { loadScreeningRules, screeningRulesFile } from '../screening/rules.ts';
import { createWechatProvider } from '../follow/wechat.ts';
import { ApplyCodes } from './apply-codes.ts';
import { ApplyService } from './apply-service.ts';
import { loadPrivacyNotice } from './privacy-notice.ts';
import { applyRoutes, followRoutes, intakePublicStaffRoutes } from './routes.ts';

interface Log {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export function intakePublicArea(ctx: AppContext, sms: SmsProvider, log: Log, areas: AreaDirectory): ApiArea & { notifier: MatterNotifier } {
  const notice = loadPrivacyNotice(ctx.config.centre.name);
  const codes = new ApplyCodes(ctx, sms);
  // The same duplicate and early-warning rules as the desk's (intake-desk/index.ts).
  const rules = loadScreeningRules(screeningRulesFile(ctx.config.dataDir, ctx.config.intakeScreeningFile));
  const service = new ApplyService(ctx, codes, notice, rules, areas);
  const notifier = new MatterNotifier(ctx, sms, createWechatProvider(ctx.config, log), log);
  return {
    name: 'intake-public',
    routes: [
      { prefix: '/apply', plugin: applyRoutes(ctx, codes, service, notice) },
      { prefix: '/follow', plugin: followRoutes(ctx) },
      { prefix: '/intake/public', plugin: intakePublicStaffRoutes(ctx) },
    ],
    notifier,
  };
}
