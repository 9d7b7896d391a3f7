import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError, SYSTEM_ACTOR, type CommandMetadata, type PlatformCommand } from '#domain';
import type { AppConfig } from '#runtime';
import { CommandBus } from '@nestjs/cqrs';
import { StreamCache } from '../shared/write/stream-cache.js';
import { PLATFORM, toPlatform } from '../shared/write/stream-command.js';
import { newId, sha256Hex } from '../shared/ids.js';
import { APP_CONFIG, APP_LOGGER } from '../shared/tokens.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { EmailReservations } from '../shared/email-reservations.js';

/**
 * The first boot's super admin: from SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD when
 * set, otherwise through a one-time setup link printed once. Both act only while no
 * super admin exists, which the platform stream decides atomically.
 */
@Injectable()
export class BootstrapService {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly reservations: EmailReservations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  private metadata(): CommandMetadata {
    const id = newId();
    return { actor: SYSTEM_ACTOR, now: new Date().toISOString(), correlationId: id, causationId: id };
  }

  /** Whether the platform has a super admin within `timeoutMs` (registered by another process). */
  private async superAdminAppears(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.streams.current(PLATFORM)).state.superAdmins.length > 0) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Returns the setup link when one was issued (for tests and the console), else null. */
  async run(): Promise<string | null> {
    const platform = await this.streams.current(PLATFORM);
    if (platform.state.superAdmins.length > 0) return null;

    if (this.config.superAdminEmail && this.config.superAdminPassword) {
      checkPasswordPolicy(this.config.superAdminPassword, { email: this.config.superAdminEmail });
      const superAdminId = newId();
      const metadata = this.metadata();
      const command: PlatformCommand = {
        type: 'RegisterSuperAdmin',
        data: {
          superAdminId,
          email: this.config.superAdminEmail,
          passwordHash: await hashPassword(this.config.superAdminPassword),
          method: 'environment',
        },
      };
      try {
        // The super admin's email is reserved platform-wide like any member's.
        await this.reservations.holding(this.config.superAdminEmail, superAdminId, null, metadata, () =>
          this.commands.execute(toPlatform(command, metadata)),
        );
        this.logger.info({ email: this.config.superAdminEmail }, 'created the first super admin from SUPERADMIN_EMAIL');
      } catch (error) {
        // Another replica got there first: that is the outcome we wanted.
        if (error instanceof DomainError && error.code === 'super-admin-already-exists') return null;
        // Replicas starting together: another one has reserved the email and registers the
        // super admin next. Anything else holding the address (a member) is an operator's error.
        if (error instanceof DomainError && error.code === 'email-already-in-use' && (await this.superAdminAppears(10_000))) return null;
        throw error;
      }
      return null;
    }

    const token = randomBytes(32).toString('base64url');
    const metadata = this.metadata();
    const expiresAt = new Date(Date.parse(metadata.now) + this.config.bootstrapLinkTtlHours * 3_600_000).toISOString();
    try {
      await this.commands.execute(toPlatform({ type: 'IssueBootstrapLink', data: { tokenHash: sha256Hex(token), expiresAt, now: metadata.now } }, metadata));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'super-admin-already-exists') return null;
      if (error instanceof DomainError && error.code === 'bootstrap-link-issued-elsewhere') {
        // Replicas starting together: one link for the platform, printed by the process that issued it.
        this.logger.info({ issuedAt: error.details.issuedAt }, 'no super admin exists yet; another process issued the setup link: see its output');
        return null;
      }
      throw error;
    }
    const link = `${this.config.publicUrl}/setup?token=${token}`;
    // The one place a token is printed: the operator has no other way to receive it.
    // A restart before it is used issues a new link and the old one stops working
    // (processes starting together share one: BOOTSTRAP_LINK_SHARED_MS).
    if (this.config.logLevel !== 'silent')
      process.stdout.write(
      `\nNo super admin exists yet. Create one within ${this.config.bootstrapLinkTtlHours} h with this one-time link:\n  ${link}\n` +
        `or: curl -X POST ${this.config.publicUrl}/auth/setup -H 'content-type: application/json' ` +
        `-d '{"token":"${token}","email":"you@example.org","password":"<at least 12 characters>"}'\n\n`,
    );
    return link;
  }
}
