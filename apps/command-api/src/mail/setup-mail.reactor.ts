import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { MembershipEvent, PlatformEvent } from '#domain';
import type { EventStore, RecordedEvent, Subscription } from '#event-store';
import { MEMBERS, type MemberDocument } from '#read-models';
import { ORGANIZATIONS, type OrganizationDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { escapeHtml } from '../shared/html.js';
import type { SecretBox } from '../shared/secret-box.js';
import type { Mailer, MailMessage } from './mailer.js';
import type { ReactorStore } from './reactor-store.js';

const REACTOR = 'setup-mail';
const MAX_ATTEMPTS = 5;

type Invitation = Extract<MembershipEvent, { type: 'UserInvited' | 'UserInvitationResent' }>;
const INVITATIONS = new Set(['UserInvited', 'UserInvitationResent', 'PlatformAuditorInvited']);


/** Builds the setup link: the service's own page, or an external admin UI's (SETUP_URL). */
export function setupLink(options: { publicUrl: string; setupUrl: string | null }, token: string): string {
  const base = options.setupUrl ?? `${options.publicUrl}/setup`;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export function setupMessage(input: { eventId: string; to: string; firstName: string; organizationName: string; link: string; expiresAt: string }): MailMessage {
  const expires = new Date(input.expiresAt).toUTCString();
  const subject = `Welcome to ${input.organizationName}: set up your account`;
  const text = [
    `Hello ${input.firstName},`,
    '',
    `Welcome to ${input.organizationName}! An account has been created for you.`,
    '',
    'To finish setting it up, open this link and choose a password:',
    input.link,
    '',
    `Your password needs at least 12 characters. The link works once and expires on ${expires}.`,
    'Afterwards, sign in with this email address and your new password.',
    '',
    'If you did not expect this invitation, you can ignore this message.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello ${escapeHtml(input.firstName)},</p>
<p>Welcome to <strong>${escapeHtml(input.organizationName)}</strong>! An account has been created for you.</p>
<p>To finish setting it up, open this link and choose a password:</p>
<p><a href="${escapeHtml(input.link)}">Set up my account</a></p>
<p>Your password needs at least 12 characters. The link works once and expires on ${escapeHtml(expires)}.<br>
Afterwards, sign in with this email address and your new password.</p>
<p style="color:#555">If you did not expect this invitation, you can ignore this message.</p>
</body></html>`;
  return { messageId: `<${input.eventId}@organization-service>`, to: input.to, subject, text, html, link: input.link };
}

/**
 * Sends the setup email for every invitation in the log. It follows the log with a
 * checkpoint of its own, at least once and idempotent by event id: a command handler
 * never sends mail, so a failed append never mails and a failed send never loses an
 * invitation. An invitation already replaced (resent, deleted, completed) by the time
 * the reactor reaches it is not mailed: its link could not work.
 */
export class SetupMailReactor {
  private subscription: Subscription | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private handledThrough = 0;
  private waiters: { position: number; resolve: () => void }[] = [];

  constructor(
    private readonly deps: {
      events: EventStore;
      readStore: ReadStore;
      box: SecretBox;
      mailer: Mailer;
      store: ReactorStore;
      logger: Logger;
      links: { publicUrl: string; setupUrl: string | null };
      retryDelayMs?: number;
    },
  ) {}

  async start(): Promise<void> {
    const after = await this.deps.store.checkpoint(REACTOR);
    this.handledThrough = after;
    this.subscription = this.deps.events.subscribeToAll({ after });
    this.loop = this.run(this.subscription);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
  }

  /** Resolves once the reactor has dealt with every event up to `position` (for tests). */
  reached(position: number): Promise<void> {
    if (position <= this.handledThrough) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private async run(subscription: Subscription): Promise<void> {
    let sinceCheckpoint = 0;
    try {
      for await (const event of subscription) {
        if (this.stopped) break;
        if (INVITATIONS.has(event.type)) {
          await this.handle(event);
          sinceCheckpoint = 0;
        } else if (++sinceCheckpoint >= 500) {
          await this.deps.store.advance(REACTOR, event.position);
          sinceCheckpoint = 0;
          // A catch-up over a long log runs on resolved promises: give requests a turn.
          await yieldToEventLoop();
        }
        this.handledThrough = event.position;
        const ready = this.waiters.filter((w) => w.position <= event.position);
        this.waiters = this.waiters.filter((w) => w.position > event.position);
        for (const waiter of ready) waiter.resolve();
      }
    } catch (error) {
      if (!this.stopped) this.deps.logger.error({ err: error }, 'setup mail reactor stopped');
    }
  }

  private async handle(recorded: RecordedEvent): Promise<void> {
    const { store, logger } = this.deps;
    if (await store.wasHandled(REACTOR, recorded.id)) return;
    const invitation = { type: recorded.type, data: recorded.data } as Invitation;
    for (let attempt = 1; ; attempt++) {
      try {
        const message = recorded.type === 'PlatformAuditorInvited' ? await this.composeForAuditor(recorded) : await this.compose(recorded, invitation);
        if (message) await this.deps.mailer.send(message);
        await store.markHandled(REACTOR, recorded.id, recorded.position);
        if (message) logger.info({ eventId: recorded.id, userId: invitation.data.userId ?? (recorded.data as { auditorId?: string }).auditorId }, 'setup mail sent');
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || this.stopped) {
          logger.error({ err: error, eventId: recorded.id, userId: invitation.data.userId }, 'setup mail could not be sent; an admin can resend the invitation');
          if (!this.stopped) await store.markHandled(REACTOR, recorded.id, recorded.position);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, (this.deps.retryDelayMs ?? 500) * 2 ** (attempt - 1)));
      }
    }
  }

  private async compose(recorded: RecordedEvent, invitation: Invitation): Promise<MailMessage | null> {
    const { readStore, box } = this.deps;
    const member = await readStore.collection<MemberDocument>(MEMBERS).findOne({ _id: invitation.data.userId });
    // The read model has seen a later event for this user and the token is no longer theirs.
    if (member && Number(member._position) > recorded.position && member.setupTokenHash !== invitation.data.setupTokenHash) return null;
    if (!member && (await this.userWasDeleted(recorded, invitation.data.userId))) return null;
    const organization = await readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: invitation.data.organizationId });
    const firstName = invitation.type === 'UserInvited' ? invitation.data.firstName : (member?.firstName ?? 'there');
    const token = box.open(invitation.data.setupTokenCiphertext);
    return setupMessage({
      eventId: recorded.id,
      to: invitation.data.email,
      firstName,
      organizationName: organization?.name ?? 'your organization',
      link: setupLink(this.deps.links, token),
      expiresAt: invitation.data.setupExpiresAt,
    });
  }

  /** A platform auditor's invitation; not mailed once the auditor was removed or has set up since. */
  private async composeForAuditor(recorded: RecordedEvent): Promise<MailMessage | null> {
    const d = recorded.data as Extract<PlatformEvent, { type: 'PlatformAuditorInvited' }>['data'];
    // The log, not a read model: the projector may not have reached this event yet.
    const later = await this.deps.events.readStream(recorded.streamName, { fromRevision: recorded.revision + 1 });
    if (later.some((e) => (e.data as { auditorId?: string }).auditorId === d.auditorId)) return null;
    return setupMessage({
      eventId: recorded.id,
      to: d.email,
      firstName: d.firstName,
      organizationName: 'the platform, as auditor',
      link: setupLink(this.deps.links, this.deps.box.open(d.setupTokenCiphertext)),
      expiresAt: d.setupExpiresAt,
    });
  }

  /** A deleted user has no read-model document; the organization's stream says whether they were deleted since. */
  private async userWasDeleted(invitation: RecordedEvent, userId: string): Promise<boolean> {
    const later = await this.deps.events.readStream(invitation.streamName, { fromRevision: invitation.revision + 1 });
    return later.some((event) => event.type === 'UserDeleted' && (event.data as { userId: string }).userId === userId);
  }
}
