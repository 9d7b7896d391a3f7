import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError, ValidationFailed } from '../shared/domain-error.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { localDateTimeToInstant } from '../shared/local-time.js';
import { FieldErrors, lengthOf } from '../shared/validation.js';
import { around, countsOf, countUses, evolveHolds, HoldDelta, isHoldEvent, letGoOfAll, type LanguageHoldEvent, type LanguageHolds } from '../languages/language-holds.js';

/**
 * An organization's content library and what it assigns (multi-tenant guide: "Content
 * Management": Organization Content, Content Library, Content Assignment; issue 19).
 *
 * One stream per organization: activities, their licenses and the assignments are
 * decided together, so "assigning beyond the seats is refused" holds on one state. Who a
 * team, a class or "everyone" is comes from the organization's stream: the process
 * resolves the learners when it assigns, and again for people who join a team or a class
 * later (ExtendAssignments), as long as the assignment is open and not yet due.
 *
 * An activity's language is held in the platform's catalogue as the dictionary holds its
 * languages (languages/language-holds.ts).
 */
export const libraryStreamName = (organizationId: string): string => `library-${organizationId}`;

export const CONTENT_RULES = { titleMax: 200, categoryMax: 100, iriMax: 2048, seatsMax: 1_000_000 } as const;

export type ActivityKind = 'private' | 'licensed';

export interface License {
  seats: number;
  /** The license ends at this instant; null: it does not end. */
  expiresAt: string | null;
}

export interface ActivityFields {
  title: string;
  category: string | null;
  languageId: string | null;
  /** The xAPI activity id (an IRI): statements about it name it. Unique in the library. */
  activityIri: string;
}

export interface Activity extends ActivityFields {
  id: string;
  kind: ActivityKind;
  license: License | null;
  status: 'active' | 'retired';
  /** Assigned at least once: it can be retired then, no longer removed. */
  used: boolean;
  version: number;
}

export type AssignmentTarget = { kind: 'members'; userIds: string[] } | { kind: 'team'; teamId: string } | { kind: 'class'; classId: string } | { kind: 'everyone' };

/** A due date as the organization gave it, in its time zone, and the instant it is. */
export interface Due {
  date: string;
  time: string;
  timeZone: string;
  at: string;
}

export interface Assignment {
  id: string;
  activityId: string;
  target: AssignmentTarget;
  /** Who it is assigned to now: those of the target when it was made, and those who joined the team or class since (until it was due). */
  learners: readonly string[];
  /** Joiners a licensed activity had no seat for (recorded once each). */
  short: readonly string[];
  due: Due | null;
  assignedAt: string;
  status: 'open' | 'cancelled';
  version: number;
}

export interface LibraryState {
  organizationId: string | null;
  activities: PersistentMap<Activity>;
  /** activityIri -> activity id. */
  iris: PersistentMap<string>;
  assignments: PersistentMap<Assignment>;
  holds: LanguageHolds;
}

/** What the library's rules read of the organization. */
export interface LibraryContext {
  organizationLanguageIds: readonly string[];
  /** The organization's effective features (settings): authoring for private activities, marketplace for licensed ones. */
  features: { activityAuthoring: boolean; marketplace: boolean };
}

export interface NewActivity {
  activityId: string;
  title: string;
  category?: string | null;
  languageId?: string | null;
  activityIri: string;
  kind: ActivityKind;
  license?: { seats: number; expiresAt?: string | null } | null;
}

export type LibraryCommand =
  | { type: 'AddActivity'; data: NewActivity & LibraryContext & { organizationId: string; holders: Record<string, string> } }
  /** A merge patch; `category` and `languageId` clear with null; `license` changes seats or expiry of a licensed activity. */
  | {
      type: 'EditActivity';
      data: { organizationId: string; activityId: string; title?: string; category?: string | null; languageId?: string | null; license?: { seats?: number; expiresAt?: string | null }; holders: Record<string, string> } & Pick<LibraryContext, 'organizationLanguageIds'>;
    }
  | { type: 'RetireActivity'; data: { organizationId: string; activityId: string } }
  | { type: 'RemoveActivity'; data: { organizationId: string; activityId: string } }
  /** `learners`: who the target is now, resolved by the process on the organization's state. */
  | { type: 'AssignActivity'; data: { organizationId: string; assignmentId: string; activityId: string; target: AssignmentTarget; learners: string[]; due: Due | null; now: string } }
  /** People who joined a team or a class (or the organization, for "everyone"): the open assignments to it that are not due yet reach them too. */
  | { type: 'ExtendAssignments'; data: { organizationId: string; via: Exclude<AssignmentTarget, { kind: 'members' }>; userIds: string[]; now: string } }
  | { type: 'CancelAssignment'; data: { organizationId: string; assignmentId: string } }
  /**
   * The organization's time zone changed (issue 22): the due dates still ahead keep their
   * local date and time in the new zone. At most `limit` assignments per command, so one
   * append stays small whatever the library holds; the process repeats until none is left.
   */
  | { type: 'RescheduleDueDates'; data: { organizationId: string; timeZone: string; now: string; limit: number } }
  | { type: 'PurgeLibrary'; data: { organizationId: string } };

type WithOrg<T> = T & { organizationId: string };
type Change<T> = { before: T; after: T };

export type LibraryEvent =
  | LanguageHoldEvent
  | DomainEvent<'ActivityAdded', WithOrg<{ activityId: string; kind: ActivityKind; license: License | null } & ActivityFields>>
  | DomainEvent<'ActivityEdited', WithOrg<{ activityId: string; changes: Record<string, Change<unknown>>; activity: ActivityFields & { license: License | null } }>>
  | DomainEvent<'ActivityRetired', WithOrg<{ activityId: string; title: string }>>
  | DomainEvent<'ActivityRemoved', WithOrg<{ activityId: string; title: string; languageId: string | null }>>
  | DomainEvent<'ActivityAssigned', WithOrg<{ assignmentId: string; activityId: string; target: AssignmentTarget; learners: string[]; due: Due | null; assignedAt: string }>>
  | DomainEvent<'AssignmentExtended', WithOrg<{ assignmentId: string; activityId: string; userIds: string[] }>>
  /** Joiners a licensed activity had no seat left for: recorded, so an admin sees who waits. */
  | DomainEvent<'AssignmentSeatsShort', WithOrg<{ assignmentId: string; activityId: string; userIds: string[]; seats: number; used: number }>>
  /** `freed`: its learners who no longer have the activity through another open assignment (their seats are free). */
  | DomainEvent<'AssignmentCancelled', WithOrg<{ assignmentId: string; activityId: string; freed: string[] }>>
  /** Due dates moved to the organization's new time zone, each with the same local date and time (`before`: as it was). */
  | DomainEvent<'DueDatesRescheduled', WithOrg<{ timeZone: string; assignments: { assignmentId: string; activityId: string; before: Due; after: Due }[] }>>
  /** `activities`: how many it had in each language (the usage drops by them). */
  | DomainEvent<'LibraryPurged', WithOrg<{ activities: Record<string, number> }>>;

export const LIBRARY_EVENT_TYPES = eventTypes<LibraryEvent>({
  LanguageHoldAdopted: true,
  LanguageHoldLetGo: true,
  ActivityAdded: true,
  ActivityEdited: true,
  ActivityRetired: true,
  ActivityRemoved: true,
  ActivityAssigned: true,
  AssignmentExtended: true,
  AssignmentSeatsShort: true,
  AssignmentCancelled: true,
  DueDatesRescheduled: true,
  LibraryPurged: true,
});

// ---- Reading the state ------------------------------------------------------------------

export function activity(state: LibraryState, activityId: string): Activity {
  const found = state.activities.get(activityId);
  if (!found) throw new DomainError('activity-not-found', 'No such activity in the library');
  return found;
}

export function assignment(state: LibraryState, assignmentId: string): Assignment {
  const found = state.assignments.get(assignmentId);
  if (!found) throw new DomainError('assignment-not-found', 'No such assignment');
  return found;
}

/** The learners holding a seat of an activity: everyone an open assignment of it names. */
export function seatHolders(state: LibraryState, activityId: string): Set<string> {
  const holders = new Set<string>();
  for (const a of state.assignments.values()) if (a.activityId === activityId && a.status === 'open') for (const learner of a.learners) holders.add(learner);
  return holders;
}

export const licenseExpired = (license: License | null, now: string): boolean => license?.expiresAt != null && Date.parse(license.expiresAt) <= Date.parse(now);

/** An assignment still takes people who join its team or class: open, and not yet due. */
export const takesJoiners = (a: Assignment, now: string): boolean => a.status === 'open' && (a.due === null || Date.parse(a.due.at) > Date.parse(now));

/** A due date: a local date and time in a zone, with the instant it is there. */
export const dueOn = (date: string, time: string, timeZone: string): Due => ({ date, time, timeZone, at: new Date(localDateTimeToInstant(date, time, timeZone)).toISOString() });

/** A due date at the same local date and time in another zone: "Friday 17:00" stays Friday 17:00 where the school is. */
export const dueIn = (due: Due, timeZone: string): Due => dueOn(due.date, due.time, timeZone);

/**
 * The assignments a move to `timeZone` reschedules at `now`: open, due after now, and due
 * in another zone. Due dates already passed are history and stay as they were.
 */
export function dueDatesToMove(state: LibraryState, timeZone: string, now: string): { assignment: Assignment; after: Due }[] {
  const moving: { assignment: Assignment; after: Due }[] = [];
  for (const a of state.assignments.values())
    if (a.status === 'open' && a.due !== null && a.due.timeZone !== timeZone && Date.parse(a.due.at) > Date.parse(now)) moving.push({ assignment: a, after: dueIn(a.due, timeZone) });
  return moving;
}

// ---- Checking activities ------------------------------------------------------------------

const text = (v: unknown): string | null => (typeof v === 'string' ? v.normalize('NFC').trim() : null);

/** An absolute IRI (RFC 3987) as xAPI names activities: a scheme, then something. */
export const isIri = (value: string): boolean => /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i.test(value);

function checkLicense(input: { seats?: unknown; expiresAt?: unknown } | null | undefined, errors: FieldErrors, current: License | null): License | null {
  if (input === undefined) return current;
  if (input === null) {
    errors.add('license', 'a licensed activity has a license (seats, and an expiry if it ends)');
    return current;
  }
  const seats = input.seats === undefined ? current?.seats : input.seats;
  const expiresAt = input.expiresAt === undefined ? (current?.expiresAt ?? null) : input.expiresAt;
  if (typeof seats !== 'number' || !Number.isInteger(seats) || seats < 1 || seats > CONTENT_RULES.seatsMax) errors.add('license.seats', `license.seats must be a whole number from 1 to ${CONTENT_RULES.seatsMax}`);
  if (expiresAt !== null && (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)) || !/^\d{4}-\d{2}-\d{2}T/.test(expiresAt)))
    errors.add('license.expiresAt', 'license.expiresAt must be a date and time (ISO 8601, with its offset) or null');
  return { seats: seats as number, expiresAt: expiresAt === null ? null : new Date(expiresAt as string).toISOString() };
}

function checkFields(input: { title?: unknown; category?: unknown; languageId?: unknown; activityIri?: unknown }, current: ActivityFields | null, languages: readonly string[], errors: FieldErrors): ActivityFields {
  const title = input.title === undefined && current ? current.title : text(input.title);
  if (!title) errors.add('title', 'title is required');
  else if (lengthOf(title) > CONTENT_RULES.titleMax) errors.add('title', `title must be at most ${CONTENT_RULES.titleMax} characters`);
  const category = input.category === undefined ? (current?.category ?? null) : input.category === null ? null : text(input.category) || null;
  if (input.category !== undefined && input.category !== null && typeof input.category !== 'string') errors.add('category', 'category must be text or null');
  else if (category && lengthOf(category) > CONTENT_RULES.categoryMax) errors.add('category', `category must be at most ${CONTENT_RULES.categoryMax} characters`);
  const languageId = input.languageId === undefined ? (current?.languageId ?? null) : (input.languageId as string | null);
  // A language kept as it was stays valid even if the organization stopped teaching it.
  if (languageId !== null && languageId !== current?.languageId && (typeof languageId !== 'string' || !languages.includes(languageId)))
    errors.add('languageId', 'languageId must be one of the languages the organization teaches, or null');
  const activityIri = input.activityIri === undefined && current ? current.activityIri : text(input.activityIri);
  if (!activityIri || !isIri(activityIri) || activityIri.length > CONTENT_RULES.iriMax) errors.add('activityIri', 'activityIri must be an absolute IRI (the xAPI activity id), such as https://content.example/activities/greetings');
  return { title: title ?? '', category, languageId, activityIri: activityIri ?? '' };
}

// ---- Decide -------------------------------------------------------------------------------

export function decideLibrary(command: LibraryCommand, state: LibraryState): LibraryEvent[] {
  const { organizationId } = command.data;
  switch (command.type) {
    case 'AddActivity': {
      const d = command.data;
      if (state.activities.has(d.activityId)) throw new DomainError('activity-already-exists', 'An activity with this id already exists');
      const errors = new FieldErrors();
      const fields = checkFields(d, null, d.organizationLanguageIds, errors);
      if (d.kind !== 'private' && d.kind !== 'licensed') errors.add('kind', 'kind must be private or licensed');
      const license = d.kind === 'licensed' ? checkLicense(d.license ?? null, errors, null) : null;
      if (errors.any) throw new ValidationFailed('invalid-activity', errors.errors);
      if (d.kind === 'private' && !d.features.activityAuthoring) throw new DomainError('feature-off', 'Private activities need the activity authoring feature, which is off for this organization', { feature: 'activityAuthoring' });
      if (d.kind === 'licensed' && !d.features.marketplace) throw new DomainError('feature-off', 'Licensed activities come from the marketplace, whose access is off for this organization', { feature: 'marketplace' });
      if (state.iris.has(fields.activityIri)) throw new DomainError('activity-iri-taken', 'Another activity of the library has this activityIri', { errors: [{ field: 'activityIri', message: 'activityIri is used by another activity of the library' }] });
      const holds = new HoldDelta().add(fields, 1).events(state.holds, d.holders, organizationId);
      return around<LibraryEvent>(holds, [{ type: 'ActivityAdded', data: { organizationId, activityId: d.activityId, kind: d.kind, license, ...fields } }]);
    }
    case 'EditActivity': {
      const d = command.data;
      const existing = activity(state, d.activityId);
      if (existing.status === 'retired') throw new DomainError('activity-retired', 'Retired activities cannot be edited');
      const errors = new FieldErrors();
      const fields = checkFields(d, existing, d.organizationLanguageIds, errors);
      if (d.license !== undefined && existing.kind !== 'licensed') errors.add('license', 'only licensed activities have a license');
      const license = existing.kind === 'licensed' ? checkLicense(d.license, errors, existing.license) : null;
      if (errors.any) throw new ValidationFailed('invalid-activity', errors.errors);
      const other = state.iris.get(fields.activityIri);
      if (other !== undefined && other !== existing.id) throw new DomainError('activity-iri-taken', 'Another activity of the library has this activityIri', { errors: [{ field: 'activityIri', message: 'activityIri is used by another activity of the library' }] });
      if (license && existing.license && license.seats < existing.license.seats) {
        const used = seatHolders(state, existing.id).size;
        if (license.seats < used) throw new DomainError('license-seats-exceeded', `${used} learners hold a seat; the license cannot have fewer seats than that`, { seats: license.seats, used });
      }
      const before = { ...pick(existing), license: existing.license };
      const after = { ...fields, license };
      const changes: Record<string, Change<unknown>> = {};
      for (const key of Object.keys(after) as (keyof typeof after)[]) if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) changes[key] = { before: before[key], after: after[key] };
      if (Object.keys(changes).length === 0) return [];
      const holds = new HoldDelta().add(existing, -1).add(fields, 1).events(state.holds, d.holders, organizationId);
      return around<LibraryEvent>(holds, [{ type: 'ActivityEdited', data: { organizationId, activityId: existing.id, changes, activity: after } }]);
    }
    case 'RetireActivity': {
      const existing = activity(state, command.data.activityId);
      if (existing.status === 'retired') return [];
      return [{ type: 'ActivityRetired', data: { organizationId, activityId: existing.id, title: existing.title } }];
    }
    case 'RemoveActivity': {
      const existing = activity(state, command.data.activityId);
      if (existing.used) throw new DomainError('activity-in-use', 'This activity has been assigned: retire it instead (its records stay)');
      const holds = new HoldDelta().add(existing, -1).events(state.holds, {}, organizationId);
      return around<LibraryEvent>(holds, [{ type: 'ActivityRemoved', data: { organizationId, activityId: existing.id, title: existing.title, languageId: existing.languageId } }]);
    }
    case 'AssignActivity': {
      const d = command.data;
      if (state.assignments.has(d.assignmentId)) throw new DomainError('assignment-already-exists', 'An assignment with this id already exists');
      const existing = activity(state, d.activityId);
      if (existing.status === 'retired') throw new DomainError('activity-retired', 'Retired activities cannot be assigned');
      if (existing.kind === 'licensed' && licenseExpired(existing.license, d.now)) throw new DomainError('license-expired', `The license ended on ${existing.license!.expiresAt}`, { expiresAt: existing.license!.expiresAt });
      if (d.due && Date.parse(d.due.at) <= Date.parse(d.now)) throw new ValidationFailed('invalid-assignment', [{ field: 'dueDate', message: 'the due date must be in the future' }]);
      const learners = [...new Set(d.learners)];
      if (learners.length === 0) throw new ValidationFailed('invalid-assignment', [{ field: 'target', message: 'the target has no one who can be assigned content (active or invited members who learn)' }]);
      if (existing.kind === 'licensed') {
        const holders = seatHolders(state, existing.id);
        const used = holders.size;
        const requested = learners.filter((l) => !holders.has(l)).length;
        if (used + requested > existing.license!.seats)
          throw new DomainError('license-seats-exceeded', `The license has ${existing.license!.seats} seats; ${used} are used and this assignment needs ${requested} more`, { seats: existing.license!.seats, used, requested });
      }
      return [{ type: 'ActivityAssigned', data: { organizationId, assignmentId: d.assignmentId, activityId: existing.id, target: d.target, learners, due: d.due, assignedAt: d.now } }];
    }
    case 'ExtendAssignments': {
      const { via, userIds, now } = command.data;
      const events: LibraryEvent[] = [];
      const seatsTaken = new Map<string, Set<string>>();
      for (const a of state.assignments.values()) {
        if (!takesJoiners(a, now) || !sameTarget(a.target, via)) continue;
        // A set: joiners come 500 at a time (an import) to assignments that may have 50,000 learners.
        const learners = new Set(a.learners);
        const joiners = [...new Set(userIds)].filter((u) => !learners.has(u));
        const recordedShort = new Set(a.short);
        if (joiners.length === 0) continue;
        const act = state.activities.get(a.activityId)!;
        if (act.kind !== 'licensed') {
          events.push({ type: 'AssignmentExtended', data: { organizationId, assignmentId: a.id, activityId: a.activityId, userIds: joiners } });
          continue;
        }
        const holders = seatsTaken.get(act.id) ?? seatHolders(state, act.id);
        seatsTaken.set(act.id, holders);
        const seats = act.license!.seats;
        const granted: string[] = [];
        const short: string[] = [];
        for (const u of joiners) {
          if (holders.has(u) || holders.size < seats) {
            holders.add(u);
            granted.push(u);
          } else short.push(u);
        }
        if (granted.length) events.push({ type: 'AssignmentExtended', data: { organizationId, assignmentId: a.id, activityId: a.activityId, userIds: granted } });
        const newlyShort = short.filter((u) => !recordedShort.has(u));
        if (newlyShort.length) events.push({ type: 'AssignmentSeatsShort', data: { organizationId, assignmentId: a.id, activityId: a.activityId, userIds: newlyShort, seats, used: holders.size } });
      }
      return events;
    }
    case 'CancelAssignment': {
      const existing = assignment(state, command.data.assignmentId);
      if (existing.status === 'cancelled') return [];
      const others = new Set<string>();
      for (const a of state.assignments.values()) if (a.id !== existing.id && a.activityId === existing.activityId && a.status === 'open') for (const l of a.learners) others.add(l);
      const freed = existing.learners.filter((l) => !others.has(l));
      return [{ type: 'AssignmentCancelled', data: { organizationId, assignmentId: existing.id, activityId: existing.activityId, freed } }];
    }
    case 'RescheduleDueDates': {
      const { timeZone, now, limit } = command.data;
      const moving = dueDatesToMove(state, timeZone, now).slice(0, Math.max(1, limit));
      if (moving.length === 0) return [];
      const assignments = moving.map(({ assignment: a, after }) => ({ assignmentId: a.id, activityId: a.activityId, before: a.due!, after }));
      return [{ type: 'DueDatesRescheduled', data: { organizationId, timeZone, assignments } }];
    }
    case 'PurgeLibrary': {
      if (state.activities.size === 0 && Object.keys(state.holds).length === 0) return [];
      return [...letGoOfAll(state.holds, organizationId), { type: 'LibraryPurged', data: { organizationId, activities: countsOf(state.holds, 'use') } }];
    }
    default:
      return assertNever(command);
  }
}

const pick = (a: Activity): ActivityFields => ({ title: a.title, category: a.category, languageId: a.languageId, activityIri: a.activityIri });

function sameTarget(a: AssignmentTarget, b: Exclude<AssignmentTarget, { kind: 'members' }>): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'team' && b.kind === 'team') return a.teamId === b.teamId;
  if (a.kind === 'class' && b.kind === 'class') return a.classId === b.classId;
  return a.kind === 'everyone';
}

// ---- Evolve -------------------------------------------------------------------------------

export function evolveLibrary(state: LibraryState, event: LibraryEvent): LibraryState {
  const organizationId = state.organizationId ?? event.data.organizationId;
  if (isHoldEvent(event)) return { ...state, organizationId, holds: evolveHolds(state.holds, event) };
  let { activities, iris, assignments, holds } = state;
  switch (event.type) {
    case 'ActivityAdded': {
      const { organizationId: _o, activityId, ...rest } = event.data;
      activities = activities.set(activityId, { id: activityId, ...rest, status: 'active', used: false, version: 0 });
      iris = iris.set(rest.activityIri, activityId);
      holds = countUses(holds, [{ use: rest, by: 1 }]);
      break;
    }
    case 'ActivityEdited': {
      const existing = activities.get(event.data.activityId);
      if (!existing) break;
      activities = activities.set(existing.id, { ...existing, ...event.data.activity, version: existing.version + 1 });
      iris = iris.delete(existing.activityIri).set(event.data.activity.activityIri, existing.id);
      holds = countUses(holds, [
        { use: existing, by: -1 },
        { use: event.data.activity, by: 1 },
      ]);
      break;
    }
    case 'ActivityRetired': {
      const existing = activities.get(event.data.activityId);
      if (existing) activities = activities.set(existing.id, { ...existing, status: 'retired', version: existing.version + 1 });
      break;
    }
    case 'ActivityRemoved': {
      const existing = activities.get(event.data.activityId);
      if (!existing) break;
      activities = activities.delete(existing.id);
      iris = iris.delete(existing.activityIri);
      holds = countUses(holds, [{ use: existing, by: -1 }]);
      break;
    }
    case 'ActivityAssigned': {
      const { organizationId: _o, assignmentId, activityId, target, learners, due, assignedAt } = event.data;
      assignments = assignments.set(assignmentId, { id: assignmentId, activityId, target, learners, short: [], due, assignedAt, status: 'open', version: 0 });
      const act = activities.get(activityId);
      if (act && !act.used) activities = activities.set(act.id, { ...act, used: true });
      break;
    }
    case 'AssignmentExtended': {
      const existing = assignments.get(event.data.assignmentId);
      if (existing) assignments = assignments.set(existing.id, { ...existing, learners: [...existing.learners, ...event.data.userIds], short: existing.short.filter((u) => !event.data.userIds.includes(u)), version: existing.version + 1 });
      break;
    }
    case 'AssignmentSeatsShort': {
      const existing = assignments.get(event.data.assignmentId);
      if (existing) assignments = assignments.set(existing.id, { ...existing, short: [...existing.short, ...event.data.userIds] });
      break;
    }
    case 'AssignmentCancelled': {
      const existing = assignments.get(event.data.assignmentId);
      if (existing) assignments = assignments.set(existing.id, { ...existing, status: 'cancelled', version: existing.version + 1 });
      break;
    }
    case 'DueDatesRescheduled': {
      for (const { assignmentId, after } of event.data.assignments) {
        const existing = assignments.get(assignmentId);
        if (existing) assignments = assignments.set(assignmentId, { ...existing, due: after, version: existing.version + 1 });
      }
      break;
    }
    case 'LibraryPurged':
      return { organizationId, activities: PersistentMap.empty(), iris: PersistentMap.empty(), assignments: PersistentMap.empty(), holds: {} };
    default:
      return assertNever(event);
  }
  return { organizationId, activities, iris, assignments, holds };
}

export const libraryDecider: Decider<LibraryCommand, LibraryEvent, LibraryState> = {
  initialState: () => ({ organizationId: null, activities: PersistentMap.empty(), iris: PersistentMap.empty(), assignments: PersistentMap.empty(), holds: {} }),
  evolve: evolveLibrary,
  decide: decideLibrary,
};
