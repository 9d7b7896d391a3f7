import type { DomainEvent } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';

/**
 * The holds a stream keeps on the platform's languages (languages.ts explains the
 * catalogue's side): for each language its records use, the key the stream holds it by
 * and how many records need it; and separately for each language its records carry
 * pronunciation text in. A stream's first record in a language adopts a key the process
 * held it by (LanguageHoldAdopted); the last one gone lets go of it (LanguageHoldLetGo).
 * Both are decided on the stream's own state, so a record never exists without a hold.
 * The dictionary and the content library keep their holds this way.
 */
export type HoldFor = 'use' | 'pronunciation';

export interface LanguageHold {
  holder: string;
  count: number;
}

/** By slot (holdSlot): a stream's holds. */
export type LanguageHolds = Readonly<Record<string, LanguageHold>>;

/** The key of a hold among a stream's holds and in the `holders` a process passes: a language, or its pronunciation. */
export const holdSlot = (languageId: string, holdFor: HoldFor): string => (holdFor === 'use' ? languageId : `${languageId}#pronunciation`);

const slotParts = (slot: string): { languageId: string; holdFor: HoldFor } => {
  const [languageId, what] = slot.split('#');
  return { languageId, holdFor: what === 'pronunciation' ? 'pronunciation' : 'use' };
};

/** What one record uses: a language (or none) and whether it carries pronunciation text in it. */
export interface LanguageUse {
  languageId: string | null;
  pronunciation?: string | null;
}

const slotsOf = (use: LanguageUse): string[] =>
  use.languageId ? [holdSlot(use.languageId, 'use'), ...(use.pronunciation ? [holdSlot(use.languageId, 'pronunciation')] : [])] : [];

type WithOrg<T> = T & { organizationId: string };
export type LanguageHoldEvent =
  | DomainEvent<'LanguageHoldAdopted', WithOrg<{ languageId: string; holder: string; for: HoldFor }>>
  | DomainEvent<'LanguageHoldLetGo', WithOrg<{ languageId: string; holder: string; for: HoldFor }>>;

export const isHoldEvent = (event: { type: string }): event is LanguageHoldEvent => event.type === 'LanguageHoldAdopted' || event.type === 'LanguageHoldLetGo';

/** A change's effect on the holds: +1 for each record that starts to use a slot, -1 for each that stops. */
export class HoldDelta {
  private readonly bySlot = new Map<string, number>();

  add(use: LanguageUse, by: 1 | -1): this {
    for (const slot of slotsOf(use)) this.bySlot.set(slot, (this.bySlot.get(slot) ?? 0) + by);
    return this;
  }

  /**
   * The events the change brings on the holds: a key adopted (from `holders`) for each
   * slot that goes from none to some, a key let go for each that goes to none. A slot
   * that needs a key the process did not hold (someone let go of it since the process
   * read) is a conflict to try again, never a record without a hold.
   */
  events(holds: LanguageHolds, holders: Readonly<Record<string, string>>, organizationId: string): { adopted: LanguageHoldEvent[]; letGo: LanguageHoldEvent[] } {
    const adopted: LanguageHoldEvent[] = [];
    const letGo: LanguageHoldEvent[] = [];
    for (const [slot, change] of this.bySlot) {
      if (change === 0) continue;
      const { languageId, holdFor } = slotParts(slot);
      const current = holds[slot];
      const after = (current?.count ?? 0) + change;
      if (!current && after > 0) {
        const holder = holders[slot];
        if (!holder) throw new DomainError('concurrency-conflict', 'The records changed meanwhile; try again');
        adopted.push({ type: 'LanguageHoldAdopted', data: { organizationId, languageId, holder, for: holdFor } });
      } else if (current && after <= 0) letGo.push({ type: 'LanguageHoldLetGo', data: { organizationId, languageId, holder: current.holder, for: holdFor } });
    }
    return { adopted, letGo };
  }
}

/** The holds adopted before the changes that need them, those let go after the changes that ended them (the fold counts in this order). */
export function around<E>(holds: { adopted: LanguageHoldEvent[]; letGo: LanguageHoldEvent[] }, changes: E[]): (E | LanguageHoldEvent)[] {
  return [...holds.adopted, ...changes, ...holds.letGo];
}

/** The slots the uses need that the stream does not hold yet: what the process holds first. */
export function slotsNeeded(uses: LanguageUse[], holds: LanguageHolds): { languageId: string; holdFor: HoldFor }[] {
  const needed = new Map<string, { languageId: string; holdFor: HoldFor }>();
  for (const use of uses) for (const slot of slotsOf(use)) if (!holds[slot]) needed.set(slot, slotParts(slot));
  return [...needed.values()];
}

/** Every hold, let go (the stream's owner was purged). */
export function letGoOfAll(holds: LanguageHolds, organizationId: string): LanguageHoldEvent[] {
  return Object.entries(holds).map(([slot, hold]) => {
    const { languageId, holdFor } = slotParts(slot);
    return { type: 'LanguageHoldLetGo', data: { organizationId, languageId, holder: hold.holder, for: holdFor } };
  });
}

/** Counts by language, of the records using each (`use`) or carrying its pronunciation. */
export function countsOf(holds: LanguageHolds, holdFor: HoldFor): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [slot, hold] of Object.entries(holds)) {
    const parts = slotParts(slot);
    if (parts.holdFor === holdFor) counts[parts.languageId] = hold.count;
  }
  return counts;
}

/** The holds after a hold event (a fold step). */
export function evolveHolds(holds: LanguageHolds, event: LanguageHoldEvent): LanguageHolds {
  const next = { ...holds };
  const slot = holdSlot(event.data.languageId, event.data.for);
  if (event.type === 'LanguageHoldAdopted') next[slot] = { holder: event.data.holder, count: 0 };
  else delete next[slot];
  return next;
}

/** The holds after records start or stop using languages (a fold step). */
export function countUses(holds: LanguageHolds, uses: { use: LanguageUse; by: 1 | -1 }[]): LanguageHolds {
  let next: Record<string, LanguageHold> | null = null;
  for (const { use, by } of uses)
    for (const slot of slotsOf(use)) {
      const hold = (next ?? holds)[slot];
      if (!hold) continue;
      next ??= { ...holds };
      next[slot] = { ...hold, count: hold.count + by };
    }
  return next ?? holds;
}
