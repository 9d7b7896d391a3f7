import type { Logger } from 'pino';
import { JOIN_RETRY_DAYS, PASSWORD_POLICY, renderTemplate, type InvitationTemplate, type JoiningEvent, type MembershipEvent, type PlatformEvent } from '#domain';
import { backoffDelay, sleep, type EventStore, type LogHandler, type RecordedEvent } from '#event-store';
import { LeaseLostError, MEMBERS, PROCESSORS_LEASE, type MemberDocument } from '#read-models';
import { ORGANIZATIONS, type OrganizationDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { escapeHtml } from './html.js';
import type { SecretBox } from '../secret-box.js';
import type { Mailer, MailMessage } from './mailer.js';
import type { ReactorStore } from '#side-stores';

export const SETUP_MAIL_REACTOR = 'setup-mail';
const REACTOR = SETUP_MAIL_REACTOR;
const MAX_ATTEMPTS = 5;

type Invitation = Extract<MembershipEvent, { type: 'UserInvited' | 'UserInvitationResent' }>;

/** A mail's id is its event's: a receiver drops a message delivered twice, and an erasure finds the copies kept of it. */
export const setupMailMessageId = (eventId: string): string => `<${eventId}@organization-service>`;
/** The events that send a mail: invitations, and a declined join request (its reason goes to the person). */
export const SETUP_MAIL_TYPES: ReadonlySet<string> = new Set(['UserInvited', 'UserInvitationResent', 'PlatformAuditorInvited', 'JoinRequestRejected']);

/**
 * The ids of the mails a stream's events about someone led to, for an erasure to forget
 * the copies kept of them. Read as stored (sealed): only ids are matched.
 */
export async function setupMailsOf(events: EventStore, streamName: string, about: (data: Record<string, unknown>) => boolean): Promise<string[]> {
  const stored = await events.readStream(streamName, { sealed: true });
  return stored.filter((e) => SETUP_MAIL_TYPES.has(e.type) && about(e.data as Record<string, unknown>)).map((e) => setupMailMessageId(e.id));
}
const INVITATIONS = SETUP_MAIL_TYPES;


/** Builds the setup link: the service's own page, or an external admin UI's (SETUP_URL). */
export function setupLink(options: { publicUrl: string; setupUrl: string | null }, token: string): string {
  const base = options.setupUrl ?? `${options.publicUrl}/setup`;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export interface SetupMessageInput {
  eventId: string;
  to: string;
  firstName: string;
  organizationName: string;
  link: string;
  expiresAt: string;
  /** The organization's minimum (its password policy), 12 by default. */
  passwordMinLength?: number;
  /** The organization's own invitation (issue 17); the service's words without one. */
  template?: InvitationTemplate | null;
}

export function setupMessage(input: SetupMessageInput): MailMessage {
  const expires = new Date(input.expiresAt).toUTCString();
  const minLength = input.passwordMinLength ?? PASSWORD_POLICY.minLength;
  const footer = `Your password needs at least ${minLength} characters. The link works once and expires on ${expires}.`;
  if (input.template) return templatedMessage(input, input.template, footer);
  const subject = `Welcome to ${input.organizationName}: set up your account`;
  const text = [
    `Hello ${input.firstName},`,
    '',
    `Welcome to ${input.organizationName}! An account has been created for you.`,
    '',
    'To finish setting it up, open this link and choose a password:',
    input.link,
    '',
    footer,
    'Afterwards, sign in with this email address and your new password.',
    '',
    'If you did not expect this invitation, you can ignore this message.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello ${escapeHtml(input.firstName)},</p>
<p>Welcome to <strong>${escapeHtml(input.organizationName)}</strong>! An account has been created for you.</p>
<p>To finish setting it up, open this link and choose a password:</p>
<p><a href="${escapeHtml(input.link)}">Set up my account</a></p>
<p>${escapeHtml(footer)}<br>
Afterwards, sign in with this email address and your new password.</p>
<p style="color:#555">If you did not expect this invitation, you can ignore this message.</p>
</body></html>`;
  return { messageId: setupMailMessageId(input.eventId), to: input.to, subject, text, html, link: input.link };
}

/**
 * The organization's template: plain text as written, its values filled in; the HTML
 * part escapes the template's text and each value, and makes the setup link a link.
 * The link's expiry and the password rule follow, so the template cannot leave them out.
 */
function templatedMessage(input: SetupMessageInput, template: InvitationTemplate, footer: string): MailMessage {
  const values = { firstName: input.firstName, organizationName: input.organizationName, setupLink: input.link };
  const text = renderTemplate(template, values);
  const html = renderTemplate({ subject: template.subject, body: escapeHtml(template.body) }, values, (value, name) =>
    name === 'setupLink' ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value),
  );
  const paragraphs = html.body.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`).join('\n');
  return {
    messageId: setupMailMessageId(input.eventId),
    to: input.to,
    subject: text.subject,
    text: `${text.body}\n\n${footer}`,
    html: `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">\n${paragraphs}\n<p style="color:#555">${escapeHtml(footer)}</p>\n</body></html>`,
    link: input.link,
  };
}

/**
 * Sends the setup email for every invitation in the log, as a handler of a log
 * processor with a checkpoint of its own: at least once, and idempotent by event id. A
 * command handler never sends mail, so a failed append never mails and a failed send
 * never loses an invitation. An invitation already replaced (resent, deleted,
 * completed) by the time the reactor reaches it is not mailed: its link could not work.
 */
export class SetupMailReactor implements LogHandler {
  readonly name = 'setup mail';
  private stopped = false;

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
      /** False once this process no longer holds the processors' lease: it must not mail what the new holder will. */
      mayMail?: () => boolean;
      /**
       * Resolves true once the read models include `position` (the projector beside it):
       * a mail is composed from them and its link is checked against them, so it waits
       * for them rather than racing ahead of the projector.
       */
      projected?: (position: number) => Promise<boolean>;
    },
  ) {}

  checkpoint(): Promise<number> {
    return this.deps.store.checkpoint(REACTOR);
  }

  async handle(batch: RecordedEvent[]): Promise<void> {
    const invitations = batch.filter((event) => INVITATIONS.has(event.type));
    const last = invitations.at(-1);
    if (last && this.deps.projected && !(await this.deps.projected(last.position))) throw new Error(`the read models have not reached position ${last.position} yet`);
    for (const event of invitations) await this.mailOnce(event);
    await this.deps.store.advance(REACTOR, batch[batch.length - 1].position);
  }

  /** A send in progress gives up its retries: the invitation stays unhandled and is mailed after the restart. */
  stop(): void {
    this.stopped = true;
  }

  private async mailOnce(recorded: RecordedEvent): Promise<void> {
    const { store, logger } = this.deps;
    if (await store.wasHandled(REACTOR, recorded.id)) return;
    const invitation = { type: recorded.type, data: recorded.data } as Invitation;
    for (let attempt = 1; ; attempt++) {
      // Outside the retries below: a lost lease must neither mail nor mark the invitation handled.
      if (this.deps.mayMail && !this.deps.mayMail()) throw new LeaseLostError(PROCESSORS_LEASE);
      try {
        const message =
          recorded.type === 'PlatformAuditorInvited' ? await this.composeForAuditor(recorded)
          : recorded.type === 'JoinRequestRejected' ? await this.composeRejection(recorded)
          : await this.compose(recorded, invitation);
        if (message) await this.deps.mailer.send(message);
        await store.markHandled(REACTOR, recorded.id, recorded.position);
        if (message) logger.info({ eventId: recorded.id, userId: invitation.data.userId ?? (recorded.data as { auditorId?: string }).auditorId }, 'setup mail sent');
        return;
      } catch (error) {
        if (this.stopped) throw new Error('stopping before the setup mail was sent');
        if (attempt >= MAX_ATTEMPTS) {
          // A mail server that refuses one address must not hold every later invitation back.
          logger.error({ err: error, eventId: recorded.id, userId: invitation.data.userId }, 'setup mail could not be sent; an admin can resend the invitation');
          await store.markHandled(REACTOR, recorded.id, recorded.position);
          return;
        }
        await sleep(backoffDelay(attempt, { initialMs: this.deps.retryDelayMs ?? 500, maxMs: 30_000 }));
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
      passwordMinLength: organization?.settings?.policies.passwordMinLength,
      template: organization?.settings?.branding.invitationTemplate,
    });
  }

  /** A declined join request: the person learns why, and when they may ask again. */
  private async composeRejection(recorded: RecordedEvent): Promise<MailMessage> {
    const d = recorded.data as Extract<JoiningEvent, { type: 'JoinRequestRejected' }>['data'];
    const organization = await this.deps.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: d.organizationId });
    const name = organization?.name ?? 'the organization';
    const again = new Date(Date.parse(d.rejectedAt) + JOIN_RETRY_DAYS * 86_400_000).toUTCString();
    const text = [`Hello ${d.firstName},`, '', `Your request to join ${name} was declined. The reason given:`, '', d.reason, '', `You can ask again from ${again}.`].join('\n');
    const html = `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">
<p>Hello ${escapeHtml(d.firstName)},</p>
<p>Your request to join <strong>${escapeHtml(name)}</strong> was declined. The reason given:</p>
<blockquote>${escapeHtml(d.reason)}</blockquote>
<p>You can ask again from ${escapeHtml(again)}.</p>
</body></html>`;
    return { messageId: setupMailMessageId(recorded.id), to: d.email, subject: `Your request to join ${name}`, text, html, link: '' };
  }

  /** A platform auditor's (or platform analyst's) invitation; not mailed once they were removed or have set up since. */
  private async composeForAuditor(recorded: RecordedEvent): Promise<MailMessage | null> {
    const d = recorded.data as Extract<PlatformEvent, { type: 'PlatformAuditorInvited' }>['data'];
    // The log, not a read model: the projector may not have reached this event yet.
    const later = await this.deps.events.readStream(recorded.streamName, { fromRevision: recorded.revision + 1 });
    if (later.some((e) => (e.data as { auditorId?: string }).auditorId === d.auditorId)) return null;
    return setupMessage({
      eventId: recorded.id,
      to: d.email,
      firstName: d.firstName,
      organizationName: d.role === 'analyst' ? 'the platform, as analyst' : 'the platform, as auditor',
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
