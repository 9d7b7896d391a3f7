import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  auditorBySetupToken,
  SYSTEM_ACTOR,
  type CommandMetadata,
} from '#domain';
import { findInvitationByTokenHash } from '#read-models';
import { ORGANIZATIONS, type OrganizationDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { EmailReservations } from '../shared/email-reservations.js';
import { logoUrl } from '#read-models';
import { CommandBus } from '@nestjs/cqrs';
import { StreamCache } from '../shared/write/stream-cache.js';
import { PLATFORM, toOrganization, toPlatform } from '../shared/write/stream-command.js';
import { newId, sha256Hex } from '../shared/ids.js';
import { ProblemException } from '../shared/problem.js';
import { APP_CONFIG, PROJECTION_PROGRESS, READ_STORE } from '../shared/tokens.js';
import type { ProjectionProgress } from '#event-store';
import type { AppConfig } from '#runtime';
import { checkPasswordPolicy, hashPassword } from './passwords.js';

/** What a setup link is, as the setup page needs to know it. */
export type SetupLinkInfo =
  | {
      kind: 'invitation';
      userId: string;
      organizationId: string | null;
      email: string;
      firstName: string;
      organizationName: string;
      logoSrc: string | null;
      /** The organization's password minimum (issue 17), so the page asks for what setup enforces. */
      passwordMinLength?: number;
    }
  | { kind: 'bootstrap' }
  | { kind: 'expired' }
  | { kind: 'invalid' };

type SetupCompleted = { id: string; revision: number; position: number; kind: 'member' | 'superAdmin' | 'platformAuditor' | 'platformAnalyst' };

const linkInvalid = () => new DomainError('setup-link-invalid', 'This setup link is invalid, has expired or was already used');

/**
 * Completes setup links: a member's invitation, or the first super admin's bootstrap
 * link. The token is looked up by its hash; the rules (current token, not expired,
 * used once) are the deciders'.
 */
@Injectable()
export class SetupService {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async describe(token: string, now = new Date().toISOString()): Promise<SetupLinkInfo> {
    const tokenHash = sha256Hex(token);
    const invitation = await findInvitationByTokenHash(this.readStore, tokenHash);
    if (invitation) {
      if (!invitation.setupExpiresAt || invitation.setupExpiresAt <= now) return { kind: 'expired' };
      const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: invitation.organizationId });
      // The public, content-addressed copy: the page stays small and the browser caches it.
      const logoSrc = organization?.logo ? logoUrl(organization.logo) : null;
      return {
        kind: 'invitation',
        userId: invitation._id,
        organizationId: invitation.organizationId,
        email: invitation.email,
        firstName: invitation.firstName,
        organizationName: organization?.name ?? '',
        logoSrc,
        passwordMinLength: organization?.settings?.policies.passwordMinLength,
      };
    }
    const platform = (await this.streams.current(PLATFORM)).state;
    const auditor = platform.auditors.find((a) => a.setupTokenHash === tokenHash);
    if (auditor) {
      if (!auditor.setupExpiresAt || auditor.setupExpiresAt <= now) return { kind: 'expired' };
      return { kind: 'invitation', userId: auditor.id, organizationId: null, email: auditor.email, firstName: auditor.firstName, organizationName: auditor.role === 'analyst' ? 'Platform analytics' : 'Platform audit', logoSrc: null };
    }
    const link = platform.bootstrapLink;
    if (link && link.tokenHash === tokenHash) return link.expiresAt > now ? { kind: 'bootstrap' } : { kind: 'expired' };
    return { kind: 'invalid' };
  }

  /**
   * Sets the password of an invited member, or creates the first super admin, and
   * answers once the read models have it: the next step is a sign-in, which reads the
   * account from them and has no position to wait for (with API replicas beside a
   * projector process, commands otherwise answer before their projection).
   */
  async complete(input: { token: string; password: string; email?: string }, metadata: CommandMetadata): Promise<SetupCompleted> {
    const completed = await this.completeSetup(input, metadata);
    await this.progress.waitFor(completed.position, this.config.readYourWritesTimeoutMs);
    return completed;
  }

  private async completeSetup(input: { token: string; password: string; email?: string }, metadata: CommandMetadata): Promise<SetupCompleted> {
    const tokenHash = sha256Hex(input.token);
    const system = { ...metadata, actor: SYSTEM_ACTOR };
    const invitation = await findInvitationByTokenHash(this.readStore, tokenHash);
    if (invitation) {
      // The organization's password policy (issue 17) may ask for more than the platform.
      const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: invitation.organizationId });
      checkPasswordPolicy(input.password, { email: invitation.email, minLength: organization?.settings?.policies.passwordMinLength });
      const command = { type: 'CompleteUserSetup' as const, data: { userId: invitation._id, tokenHash, passwordHash: await hashPassword(input.password), now: metadata.now } };
      // The invitee acts on their own account.
      const asInvitee = { ...metadata, actor: { id: invitation._id, kind: 'member' as const, email: invitation.email, roles: invitation.roles } };
      const result = await this.commands.execute(toOrganization(invitation.organizationId, command, asInvitee, { requestBody: { tokenHash } }));
      return { id: invitation._id, revision: result.version, position: result.position, kind: 'member' };
    }

    const platform = (await this.streams.current(PLATFORM)).state;
    const auditor = auditorBySetupToken(platform, tokenHash);
    if (auditor) {
      checkPasswordPolicy(input.password, { email: auditor.email });
      const command = { type: 'CompletePlatformAuditorSetup' as const, data: { auditorId: auditor.id, tokenHash, passwordHash: await hashPassword(input.password), now: metadata.now } };
      const kind = auditor.role === 'analyst' ? ('platformAnalyst' as const) : ('platformAuditor' as const);
      const asAuditor = { ...metadata, actor: { id: auditor.id, kind, email: auditor.email, roles: [kind] } };
      const result = await this.commands.execute(toPlatform(command, asAuditor, { requestBody: { tokenHash } }));
      return { id: auditor.id, revision: result.version, position: result.position, kind };
    }
    if (!platform.bootstrapLink || platform.bootstrapLink.tokenHash !== tokenHash) throw linkInvalid();
    if (!input.email)
      throw new ProblemException('validation-failed', 'email is required to create the first super admin', { errors: [{ field: 'email', message: 'email is required' }] });
    checkPasswordPolicy(input.password, { email: input.email });
    const superAdminId = newId();
    const email = input.email;
    const command = { type: 'CompleteBootstrap' as const, data: { tokenHash, superAdminId, email, passwordHash: await hashPassword(input.password), now: metadata.now } };
    const result = await this.reservations.holding(email, superAdminId, null, system, () => this.commands.execute(toPlatform(command, system, { requestBody: { tokenHash, email } })));
    return { id: superAdminId, revision: result.version, position: result.position, kind: 'superAdmin' };
  }
}
