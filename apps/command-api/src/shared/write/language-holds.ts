import type { CommandBus } from '@nestjs/cqrs';
import { holderKey, holdSlot, isHoldEvent, type CommandMetadata, type HoldFor, type HoldPurpose } from '#domain';
import { newId } from '../ids.js';
import { toLanguages, type CommandResult } from './stream-command.js';

/** A hold wanted in the platform's language catalogue: for `slot` (as the holding record names it). */
export interface WantedHold {
  slot: string;
  languageId: string;
  purpose: HoldPurpose;
}

export interface Hold {
  languageId: string;
  holder: string;
}

/**
 * Holds and releases are their own requests to the catalogue: a client's Idempotency-Key
 * belongs to the command that records the change, not to these (each is idempotent by
 * its key already, and several share one request).
 */
const withoutKey = (metadata: CommandMetadata): CommandMetadata => ({ ...metadata, idempotencyKey: undefined });

/**
 * Holds each language wanted, each with a fresh key (languages.ts explains why a key is
 * never reused). Answers the keys by slot. A language removed meanwhile is a 404 here;
 * what was held before it is released again.
 */
export async function holdLanguages(commands: CommandBus, organizationId: string, wanted: WantedHold[], metadata: CommandMetadata): Promise<{ holders: Record<string, string>; taken: Hold[] }> {
  const holders: Record<string, string> = {};
  const taken: Hold[] = [];
  try {
    for (const { slot, languageId, purpose } of wanted) {
      const holder = holderKey(organizationId, purpose, newId());
      await commands.execute(toLanguages({ type: 'UseLanguage', data: { languageId, holder, pronunciation: purpose === 'pronunciation' } }, withoutKey(metadata)));
      holders[slot] = holder;
      taken.push({ languageId, holder });
    }
  } catch (error) {
    await releaseLanguages(commands, taken, metadata);
    throw error;
  }
  return { holders, taken };
}

/**
 * Lets go of holds. A release that fails leaves the language held (it cannot be removed
 * until released): the safe side, so it does not fail the request that already changed.
 */
export async function releaseLanguages(commands: CommandBus, holds: Hold[], metadata: CommandMetadata): Promise<void> {
  for (const { languageId, holder } of holds) await commands.execute(toLanguages({ type: 'ReleaseLanguage', data: { languageId, holder } }, withoutKey(metadata))).catch(() => undefined);
}

/** The holds a process took and the change did not adopt (another change held the language first). */
export const notAdopted = (taken: Hold[], adopted: Iterable<string>): Hold[] => {
  const kept = new Set(adopted);
  return taken.filter((h) => !kept.has(h.holder));
};

/**
 * A change to a stream that keeps language holds (domain languages/language-holds.ts):
 * holds the slots it may start to need with fresh keys, runs the change with them, then
 * lets go of the keys the change did not adopt and of those it let go. A change refused
 * lets go of everything it took.
 */
export async function withHolds<R extends CommandResult>(
  commands: CommandBus,
  organizationId: string,
  purpose: Exclude<HoldPurpose, 'organization' | 'pronunciation'>,
  needed: { languageId: string; holdFor: HoldFor }[],
  change: (holders: Record<string, string>) => Promise<R>,
  metadata: CommandMetadata,
): Promise<R> {
  const wanted = needed.map(({ languageId, holdFor }) => ({ slot: holdSlot(languageId, holdFor), languageId, purpose: holdFor === 'use' ? purpose : ('pronunciation' as const) }));
  const { holders, taken } = await holdLanguages(commands, organizationId, wanted, metadata);
  let result: R;
  try {
    result = await change(holders);
  } catch (error) {
    await releaseLanguages(commands, taken, metadata);
    throw error;
  }
  const holdEvents = result.appended.filter(isHoldEvent);
  const adopted = holdEvents.flatMap((e) => (e.type === 'LanguageHoldAdopted' ? [e.data.holder] : []));
  const letGo = holdEvents.flatMap((e) => (e.type === 'LanguageHoldLetGo' ? [{ languageId: e.data.languageId, holder: e.data.holder }] : []));
  await releaseLanguages(commands, [...notAdopted(taken, adopted), ...letGo], metadata);
  return result;
}
