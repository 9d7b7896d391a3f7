import { Command } from '@nestjs/cqrs';
import {
  retentionDecider,
  retentionStream,
  type RetentionCommand,
  type RetentionState,
  learningDaysDecider,
  learningDaysStreamName,
  type LearningDayCommand,
  type LearningDaysState,
  accessStreamName,
  dataAccessDecider,
  emailReservationDecider,
  normalizeEmail,
  organizationDecider,
  organizationStreamName,
  PLATFORM_STREAM,
  platformDecider,
  resourceVersionOf,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
  type EmailReservationCommand,
  type OrganizationCommand,
  type OrganizationState,
  type PlatformCommand,
  type PlatformState,
  type EmailReservationState,
  type DataAccessCommand,
  type DataAccessState,
  PLATFORM_ID,
  slugReservationDecider,
  domainClaimDecider,
  languagesDecider,
  LANGUAGES_STREAM,
  dictionaryDecider,
  dictionaryStreamName,
  libraryDecider,
  libraryStreamName,
  type LibraryCommand,
  type LibraryState,
  type DictionaryCommand,
  type DictionaryState,
  type LanguageCommand,
  type LanguagesState,
  type DomainClaimCommand,
  type DomainClaimState,
  type SlugReservationCommand,
  type SlugReservationState,
} from '#domain';
import { uuidV5 } from '../ids.js';

/** What every command answers: the stream's new revision and the log position of its last event. */
export interface CommandResult<State = unknown> {
  revision: number;
  /** The version of the resource the command was about (its ETag), when it still exists; else the stream's revision. */
  version: number;
  position: number;
  state: State;
  /** Events this call appended; empty when nothing changed or when an idempotent retry was answered. */
  appended: DomainEvent[];
}

/** Where a command is decided: its stream, the stream's decider, and whose the stream is. */
export interface StreamOf<C, S> {
  streamName: string;
  decider: Decider<C, DomainEvent, S>;
  /** The organization the stream belongs to (event metadata, audit), or null for platform streams. */
  organizationId: string | null;
  /**
   * Which resource a command is about, as a reader of its version in a state (an
   * organization profile, a user, a class). Without it the stream's revision stands for
   * the version.
   */
  versionOf?: (command: C) => (state: S) => number | undefined;
}

export interface StreamCommandOptions {
  /** The version the client last saw (If-Match); a mismatch is a 412, never a retry. */
  expectedRevision?: number;
  /**
   * What identifies the request for its Idempotency-Key, when the command holds values
   * that differ on every retry (a fresh setup token, `now`, a sealed secret's IV).
   */
  requestBody?: unknown;
  /** Decide only: check the command against the current state and append nothing (StreamWriter.decideOnly). */
  dryRun?: boolean;
}

/**
 * The one write command: a domain command for one stream. Every write, from a
 * controller, a service or a process, is one of these on the command bus, handled by
 * StreamCommandHandler (load, decide, append at the revision read, retry conflicts).
 */
export class StreamCommand<C = unknown, S = unknown> extends Command<CommandResult<S>> {
  constructor(
    readonly stream: StreamOf<C, S>,
    readonly command: C,
    readonly metadata: CommandMetadata,
    readonly options: StreamCommandOptions = {},
  ) {
    super();
  }
}

// ---- The streams of this service ------------------------------------------------------
export const organizationStream = (organizationId: string): StreamOf<OrganizationCommand, OrganizationState> => ({
  streamName: organizationStreamName(organizationId),
  decider: organizationDecider as Decider<OrganizationCommand, DomainEvent, OrganizationState>,
  organizationId,
  versionOf: resourceVersionOf,
});

export const PLATFORM: StreamOf<PlatformCommand, PlatformState> = {
  streamName: PLATFORM_STREAM,
  decider: platformDecider as Decider<PlatformCommand, DomainEvent, PlatformState>,
  organizationId: null,
};

/** One stream per address (by its canonical key), so platform-wide uniqueness is one stream's rule. */
export const emailStreamName = (email: string): string => `email-${uuidV5(`email:${normalizeEmail(email)}`)}`;

/** `organizationId`: the organization the address is reserved for (its audit trail and verify include the reservation). */
export const emailReservationStream = (email: string, organizationId: string | null = null): StreamOf<EmailReservationCommand, EmailReservationState> => ({
  streamName: emailStreamName(email),
  decider: emailReservationDecider as Decider<EmailReservationCommand, DomainEvent, EmailReservationState>,
  organizationId,
});

/** One stream per slug, so a slug's platform-wide uniqueness is one stream's rule; the organization holding it owns the reservation's audit. */
export const slugReservationStream = (slug: string, organizationId: string): StreamOf<SlugReservationCommand, SlugReservationState> => ({
  streamName: `slug-${uuidV5(`slug:${slug}`)}`,
  decider: slugReservationDecider as Decider<SlugReservationCommand, DomainEvent, SlugReservationState>,
  organizationId,
});

export const toSlugReservation = (slug: string, organizationId: string, command: SlugReservationCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(slugReservationStream(slug, organizationId), command, metadata, options);

/** One stream per email domain: verified by one organization at a time. */
export const domainClaimStream = (domain: string, organizationId: string | null = null): StreamOf<DomainClaimCommand, DomainClaimState> => ({
  streamName: `domain-${uuidV5(`domain:${domain}`)}`,
  decider: domainClaimDecider as Decider<DomainClaimCommand, DomainEvent, DomainClaimState>,
  organizationId,
});

export const toDomainClaim = (domain: string, organizationId: string, command: DomainClaimCommand, metadata: CommandMetadata) =>
  new StreamCommand(domainClaimStream(domain, organizationId), command, metadata);

/** The platform's language catalogue: one stream, so code uniqueness and "in use cannot be removed" are one state's rules. */
export const LANGUAGE_CATALOGUE: StreamOf<LanguageCommand, LanguagesState> = {
  streamName: LANGUAGES_STREAM,
  decider: languagesDecider as Decider<LanguageCommand, DomainEvent, LanguagesState>,
  organizationId: null,
  versionOf: (command) => (state) => ('languageId' in command.data ? state.languages.get(command.data.languageId)?.version : undefined),
};

export const toLanguages = (command: LanguageCommand, metadata: CommandMetadata, options?: StreamCommandOptions) => new StreamCommand(LANGUAGE_CATALOGUE, command, metadata, options);

export const toOrganization = (organizationId: string, command: OrganizationCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(organizationStream(organizationId), command, metadata, options);

export const toPlatform = (command: PlatformCommand, metadata: CommandMetadata, options?: StreamCommandOptions) => new StreamCommand(PLATFORM, command, metadata, options);

export const toEmailReservation = (email: string, organizationId: string | null, command: EmailReservationCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(emailReservationStream(email, organizationId), command, metadata, options);

/** Reads of sensitive data, recorded in the organization's `access-<id>` stream (or the platform's): reading never moves the organization's revision. */
export const toDataAccessLog = (organizationId: string | null, command: DataAccessCommand, metadata: CommandMetadata) =>
  new StreamCommand<DataAccessCommand, DataAccessState>(
    { streamName: accessStreamName(organizationId ?? PLATFORM_ID), decider: dataAccessDecider as Decider<DataAccessCommand, DomainEvent, DataAccessState>, organizationId },
    command,
    metadata,
  );

/** An organization's translation dictionary: one stream each, apart from its members. */
export const dictionaryStream = (organizationId: string): StreamOf<DictionaryCommand, DictionaryState> => ({
  streamName: dictionaryStreamName(organizationId),
  decider: dictionaryDecider as Decider<DictionaryCommand, DomainEvent, DictionaryState>,
  organizationId,
  versionOf: (command) => (state) => ('entryId' in command.data ? state.entries.get(command.data.entryId)?.version : undefined),
});

export const toDictionary = (organizationId: string, command: DictionaryCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(dictionaryStream(organizationId), command, metadata, options);

/** An organization's content library: activities, licenses and assignments on one stream (seats are one state's rule). */
export const libraryStream = (organizationId: string): StreamOf<LibraryCommand, LibraryState> => ({
  streamName: libraryStreamName(organizationId),
  decider: libraryDecider as Decider<LibraryCommand, DomainEvent, LibraryState>,
  organizationId,
  versionOf: (command) => (state) =>
    'activityId' in command.data && command.type !== 'AssignActivity'
      ? state.activities.get(command.data.activityId)?.version
      : 'assignmentId' in command.data
        ? state.assignments.get(command.data.assignmentId)?.version
        : undefined,
});

export const toLibrary = (organizationId: string, command: LibraryCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(libraryStream(organizationId), command, metadata, options);

/** An organization's closed learning days (issue 19): each date closed once, in order. */
export const learningDaysStream = (organizationId: string): StreamOf<LearningDayCommand, LearningDaysState> => ({
  streamName: learningDaysStreamName(organizationId),
  decider: learningDaysDecider as Decider<LearningDayCommand, DomainEvent, LearningDaysState>,
  organizationId,
});

export const toLearningDays = (organizationId: string, command: LearningDayCommand, metadata: CommandMetadata, options?: StreamCommandOptions) =>
  new StreamCommand(learningDaysStream(organizationId), command, metadata, options);

/** An organization's retention record (issue 20): which months and members the retention job erased. */
export const retentionStreamOf = (organizationId: string): StreamOf<RetentionCommand, RetentionState> => ({
  streamName: retentionStream(organizationId),
  decider: retentionDecider as Decider<RetentionCommand, DomainEvent, RetentionState>,
  organizationId,
});

export const toRetention = (organizationId: string, command: RetentionCommand, metadata: CommandMetadata) => new StreamCommand(retentionStreamOf(organizationId), command, metadata);
