import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';

/**
 * Retention (issue 20; multi-tenant guide, Data Privacy: "Retention policies"). An
 * organization may keep access records, deactivated members and learning records for a
 * number of days; a daily job erases what is past that:
 * - a member deactivated longer ago than `deactivatedMembersDays` is erased, as by an admin;
 * - access records and learning records are sealed under a key per month as well as the
 *   person's (personal-fields.ts): once a whole month is past its retention, its key is
 *   destroyed, and every personal value in that month's records reads as erased.
 * A month is past retention when it ended (UTC) at least the retention's days ago, so a
 * record is kept for at least its days and at most a month more.
 *
 * What was erased is recorded on the organization's retention stream, one event per run
 * that erased anything, so a second run (or another process's) erases nothing twice.
 */
export const retentionStream = (organizationId: string): string => `retention-${organizationId}`;

export interface RetentionPolicy {
  accessRecordsDays: number | null;
  deactivatedMembersDays: number | null;
  learningRecordsDays: number | null;
}

export interface RetentionPlan {
  /** Members deactivated before this instant are erased (null: kept for good). */
  deactivatedBefore: string | null;
  /** Access records of these months are erased. */
  accessRecordMonths: string[];
  /** Learning records of these months are erased. */
  learningRecordMonths: string[];
  /** The deactivated members to erase. */
  members: string[];
}

export type RetentionCommand = {
  type: 'ApplyRetention';
  data: { organizationId: string; now: string; accessRecordMonths: string[]; learningRecordKeys: Record<string, string>; erasedMembers: string[] };
};

/** `learningRecordKeys`: each erased month's key id, the learning records' read model writes their erased forms with it. */
export type RetentionApplied = DomainEvent<
  'RetentionApplied',
  { organizationId: string; appliedAt: string; accessRecordMonths: string[]; learningRecordKeys: Record<string, string>; erasedMembers: string[] }
>;

export const RETENTION_EVENT_TYPES = eventTypes<RetentionApplied>({ RetentionApplied: true });

export interface RetentionState {
  accessRecordMonths: ReadonlySet<string>;
  learningRecordMonths: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;

/** `2026-11` → the first instant of December 2026, UTC. */
export function monthEnd(month: string): number {
  const [year, m] = month.split('-').map(Number);
  return Date.UTC(year, m, 1);
}

/** The months from `from`'s to `to`'s, both included (`2026-11`, `2026-12`, ...). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [year, month] = from.slice(0, 7).split('-').map(Number);
  const [lastYear, lastMonth] = to.slice(0, 7).split('-').map(Number);
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    out.push(`${year}-${String(month).padStart(2, '0')}`);
    month++;
    if (month === 13) (month = 1), year++;
  }
  return out;
}

/**
 * What is past retention at `now`: the months (since the organization's first record)
 * whose records are due, less those erased already, and the deactivated members due.
 */
export function retentionPlan(input: {
  policy: RetentionPolicy;
  now: string;
  /** When the organization began keeping records (its creation). */
  since: string;
  state: RetentionState;
  /** Deactivated members not erased yet, with when they were last deactivated. */
  deactivated: { userId: string; deactivatedAt: string }[];
}): RetentionPlan {
  const now = Date.parse(input.now);
  const { policy } = input;
  const dueMonths = (days: number | null, done: ReadonlySet<string>) =>
    days === null ? [] : monthsBetween(input.since, input.now).filter((month) => monthEnd(month) <= now - days * DAY_MS && !done.has(month));
  const deactivatedBefore = policy.deactivatedMembersDays === null ? null : new Date(now - policy.deactivatedMembersDays * DAY_MS).toISOString();
  return {
    deactivatedBefore,
    accessRecordMonths: dueMonths(policy.accessRecordsDays, input.state.accessRecordMonths),
    learningRecordMonths: dueMonths(policy.learningRecordsDays, input.state.learningRecordMonths),
    members: deactivatedBefore === null ? [] : input.deactivated.filter((d) => d.deactivatedAt <= deactivatedBefore).map((d) => d.userId).sort(),
  };
}

export const retentionDecider: Decider<RetentionCommand, RetentionApplied, RetentionState> = {
  initialState: () => ({ accessRecordMonths: new Set(), learningRecordMonths: new Set() }),
  evolve: (state, event) => ({
    accessRecordMonths: new Set([...state.accessRecordMonths, ...event.data.accessRecordMonths]),
    learningRecordMonths: new Set([...state.learningRecordMonths, ...Object.keys(event.data.learningRecordKeys)]),
  }),
  decide: (command, state) => {
    switch (command.type) {
      case 'ApplyRetention': {
        const { organizationId, now, erasedMembers } = command.data;
        // Months another run recorded meanwhile are not recorded twice.
        const accessRecordMonths = command.data.accessRecordMonths.filter((m) => !state.accessRecordMonths.has(m));
        const learningRecordKeys = Object.fromEntries(Object.entries(command.data.learningRecordKeys).filter(([m]) => !state.learningRecordMonths.has(m)));
        if (accessRecordMonths.length === 0 && Object.keys(learningRecordKeys).length === 0 && erasedMembers.length === 0) return [];
        return [{ type: 'RetentionApplied', data: { organizationId, appliedAt: now, accessRecordMonths, learningRecordKeys, erasedMembers } }];
      }
      default:
        return assertNever(command.type);
    }
  },
};
