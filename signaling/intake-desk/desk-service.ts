// 来访/来电登记 at the centre's window and phone, and 随手记 by grid workers on patrol: each
// registers the matter once (intake/registration.ts) with its early-warning flags, shows the
// possible duplicates, and keeps a grid worker's photos sealed with it.
import type { AreaDirectory } from '../areas/areas.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import type { Urgency } from '../domain/intake-vocabulary.ts';
import { DISPUTE_TYPES, USER_ROLE_LABELS, type DisputeType } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { recordMatterEvent } from '../intake/matter-events.ts';
import { dutyDispatcher, registerMatter, type NewMatterParty } from '../intake/registration.ts';
import { normalizePlace } from '../intake/screening/duplicates.ts';
import { riskFlagLabels, type ScreeningRules } from '../intake/screening/rules.ts';
import { normalizeParties, type PartyInput } from './parties.ts';
import { checkPhotos, type PhotoInput } from './photos.ts';
import { screen, type Screening } from './screening.ts';

export interface DeskRegistration {
  channel: 'WINDOW' | 'PHONE';
  disputeType: DisputeType;
  title: string;
  summary: string;
  place?: string | undefined;
  areaCode?: string | undefined;
  amountYuan?: number | undefined;
  urgency?: Urgency | undefined;
  parties: PartyInput[];
}

export interface GridReport {
  disputeType: DisputeType;
  place: string;
  summary: string;
  urgency?: Urgency | undefined;
  areaCode?: string | undefined;
  parties?: PartyInput[] | undefined;
  photos?: PhotoInput[] | undefined;
}

const typeLabel = (t: string) => DISPUTE_TYPES.find((d) => d.key === t)?.label ?? t;
const toFen = (yuan: number | undefined) => (yuan === undefined ? undefined : Math.round(yuan * 100));

export class DeskService {
  constructor(
    private readonly ctx: AppContext,
    readonly rules: ScreeningRules,
    private readonly areas: AreaDirectory,
  ) {}

  /** A 街道/社区 must be one of the centre's (areas.ts): checked before anything is written. */
  #checkArea(code: string | undefined): void {
    if (code !== undefined && !this.areas.has(code)) throw new DomainError('AREA_UNKNOWN', `街道/社区代码 ${code} 不在本中心的区划表中，请从列表中重新选择`);
  }

  async #centreOf(tx: Pick<Tx, 'organisation'>, user: StaffPrincipal): Promise<string> {
    const unit = await tx.organisation.findUniqueOrThrow({ where: { id: user.orgId }, select: { centreId: true } });
    if (!unit.centreId) throw new DomainError('UNIT_NOT_FOUND', '您的单位不属于综治中心');
    return unit.centreId;
  }

  /** 来访/来电登记: the registering dispatcher and their unit are responsible from the start (首接负责). */
  async registerAtDesk(user: StaffPrincipal, input: DeskRegistration, at = new Date()) {
    const parties = normalizeParties(input.parties);
    if (parties.length === 0) throw new DomainError('PARTY_REQUIRED');
    this.#checkArea(input.areaCode);
    return this.ctx.db.$transaction(async (tx) => {
      const centreId = await this.#centreOf(tx, user);
      return this.#register(tx, {
        centreId,
        channel: input.channel,
        disputeType: input.disputeType,
        title: input.title.trim(),
        summary: input.summary.trim(),
        place: input.place?.trim() ? normalizePlace(input.place) : undefined,
        areaCode: input.areaCode,
        amountFen: toFen(input.amountYuan),
        urgency: input.urgency ?? 'NORMAL',
        registeredById: user.id,
        owner: { unitId: user.orgId, userId: user.id },
        parties,
        at,
        actorLabel: `${user.displayName}（${USER_ROLE_LABELS[user.role]}）`,
      });
    });
  }

  /** 随手记: the dispatcher on duty is responsible; the grid worker is who registered it. */
  async reportFromGrid(user: StaffPrincipal, input: GridReport, at = new Date()) {
    const parties = normalizeParties(input.parties ?? []);
    const photos = checkPhotos(input.photos ?? []);
    const place = normalizePlace(input.place);
    this.#checkArea(input.areaCode);
    return this.ctx.db.$transaction(async (tx) => {
      const centreId = await this.#centreOf(tx, user);
      const owner = await dutyDispatcher(tx, centreId);
      const registered = await this.#register(tx, {
        centreId,
        channel: 'GRID',
        disputeType: input.disputeType,
        title: `${typeLabel(input.disputeType)}（${[...place].slice(0, 40).join('')}）`,
        summary: input.summary.trim(),
        place,
        areaCode: input.areaCode,
        amountFen: undefined,
        urgency: input.urgency ?? 'NORMAL',
        registeredById: user.id,
        owner,
        parties,
        at,
        actorLabel: `${user.displayName}（网格员）`,
      });
      for (const p of photos) {
        await tx.matterAttachment.create({
          data: { matterId: registered.matter.id, fileName: p.fileName, mime: p.mime, size: p.size, sha256: p.sha256, bytes: p.bytes, createdAt: at },
        });
      }
      return { ...registered, photos: photos.length };
    });
  }

  async #register(
    tx: Tx,
    m: Omit<Parameters<typeof registerMatter>[1], 'riskFlags'> & { parties: NewMatterParty[] },
  ): Promise<{ matter: Awaited<ReturnType<typeof registerMatter>> } & Screening> {
    const screening = await screen(tx, this.rules, { ...m, countRepeats: true });
    const matter = await registerMatter(tx, { ...m, riskFlags: screening.flags.map((f) => f.key) });
    if (screening.flags.length) await recordMatterEvent(tx, matter.id, 'RISK_FLAGGED', { flags: screening.flags.map((f) => f.key) }, m.actorLabel, m.at);
    const duplicates = screening.duplicates.filter((d) => d.matterId !== matter.id);
    return { matter, flags: screening.flags, duplicates };
  }

  /** Before registering: what the dispatcher should know (possible duplicates, warnings); nothing is stored. */
  async probe(user: StaffPrincipal, input: Omit<DeskRegistration, 'channel'>, at = new Date()): Promise<Screening> {
    const parties = normalizeParties(input.parties);
    return this.ctx.db.$transaction(async (tx) => {
      const centreId = await this.#centreOf(tx, user);
      return screen(tx, this.rules, {
        centreId,
        disputeType: input.disputeType,
        title: input.title,
        summary: input.summary,
        place: input.place,
        parties,
        at,
        countRepeats: true,
      });
    });
  }

  /**
   * A registered matter's screening as the dispatcher sees it on the matter: its flags (as
   * registered) and the possible duplicates now (later registrations too). Staff of the centre's
   * office (dispatchers, the admin), the matter's owner and who registered it may look.
   */
  async screeningOf(user: StaffPrincipal, matterId: string) {
    const matter = await this.ctx.db.matter.findUnique({ where: { id: matterId }, include: { parties: true } });
    if (!matter || !(await this.#maySee(user, matter))) throw new DomainError('MATTER_NOT_FOUND');
    const duplicates = await this.ctx.db.$transaction(async (tx) => {
      const s = await screen(
        tx,
        this.rules,
        {
          centreId: matter.centreId,
          disputeType: matter.disputeType,
          title: matter.title,
          summary: matter.summary,
          place: matter.place ?? undefined,
          // An import's applicant is the institution of every row: it would make each row a duplicate of the others.
          parties: matter.parties
            .filter((p) => matter.channel !== 'IMPORT' || p.role !== 'APPLICANT')
            .map((p) => ({ role: p.role, name: p.name, phone: p.phone ?? undefined, idNumber: p.idNumber ?? undefined })),
          at: matter.createdAt,
          countRepeats: false,
        },
        matter.id,
      );
      return s.duplicates;
    });
    const labels = riskFlagLabels(this.rules);
    const flags = (JSON.parse(matter.riskFlags) as string[]).map((key) => ({ key, label: labels[key] ?? key }));
    return { matter, flags, duplicates };
  }

  /** 弱信号 waiting for the dispatchers: open matters of the centre with early-warning flags, newest first. */
  async warnings(user: StaffPrincipal) {
    const centreId = await this.#centreOf(this.ctx.db, user);
    const matters = await this.ctx.db.matter.findMany({
      where: { centreId, riskFlags: { not: '[]' }, status: { in: ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'] } },
      select: { id: true, registrationNo: true, title: true, channel: true, urgency: true, status: true, riskFlags: true, createdAt: true },
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
    const labels = riskFlagLabels(this.rules);
    return matters.map((m) => ({ ...m, flags: (JSON.parse(m.riskFlags) as string[]).map((key) => ({ key, label: labels[key] ?? key })) }));
  }

  async #maySee(user: StaffPrincipal, matter: { centreId: string; ownerUserId: string; ownerUnitId: string; registeredById: string | null }) {
    if (matter.ownerUserId === user.id || matter.registeredById === user.id) return true;
    if (user.role === 'UNIT_HEAD' && matter.ownerUnitId === user.orgId) return true;
    if (user.role !== 'DISPATCHER' && user.role !== 'ADMIN') return false;
    return (await this.#centreOf(this.ctx.db, user)) === matter.centreId;
  }
}
