// The 限时办结 API's bodies and views (the web client's types are Static<> of these).
import { Type } from '@sinclair/typebox';

export const EscalationLevelT = Type.Union([Type.Literal('UNIT_HEAD'), Type.Literal('CENTRE')]);

/** A matter with its running deadline, as the countdown needs it. */
export const MatterDeadlineView = Type.Object({
  id: Type.String(),
  registrationNo: Type.String(),
  title: Type.String(),
  disputeType: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  /** When the current stage is due (ISO). */
  dueAt: Type.String(),
  /** Milliseconds left at the server's `now` (negative: overdue by that much). */
  remainingMs: Type.Number(),
  overdue: Type.Boolean(),
  /** The owner was reminded of this deadline. */
  reminded: Type.Boolean(),
  /** How far 督办 went for this deadline (null: not yet). */
  escalation: Type.Union([EscalationLevelT, Type.Null()]),
  /** The asking staff member may extend it (with a reason). */
  canExtend: Type.Boolean(),
});

export const MyDeadlinesView = Type.Object({
  /** The server's time (ISO): the client counts down from it, not from its own clock. */
  now: Type.String(),
  matters: Type.Array(MatterDeadlineView),
});

export const EscalationView = Type.Object({
  matter: MatterDeadlineView,
  level: EscalationLevelT,
  escalatedAt: Type.String(),
});

export const EscalationsView = Type.Object({ now: Type.String(), escalations: Type.Array(EscalationView) });

export const ExtensionBody = Type.Object(
  {
    /** The new deadline (ISO date-time). */
    dueAt: Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$' }),
    /** Why (required; an empty one is refused with REASON_REQUIRED). */
    reason: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);

export const ExtensionView = Type.Object({ now: Type.String(), matter: MatterDeadlineView });
