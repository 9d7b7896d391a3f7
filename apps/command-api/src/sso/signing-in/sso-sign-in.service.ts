import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  emailDomainAllowed,
  emailKey,
  sameEmailForLinking,
  ssoIdentityKey,
  type CommandMetadata,
  type ErrorCode,
  type Member,
  type OrganizationState,
  type SsoProvider,
} from '#domain';
import { beingDeleted, deactivated, suspended } from '../../auth/auth.guard.js';
import { SessionsService } from '../../auth/sessions.service.js';
import type { AppConfig } from '#runtime';
import { toOrganization } from '../../shared/write/stream-command.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { organizationStream } from '../../shared/write/stream-command.js';
import { sha256Hex } from '../../shared/ids.js';
import { ProblemException, SignInRefused } from '../../shared/problem.js';
import { IpRanges, refusalMessage } from '../../auth/ip-ranges.js';
import { APP_CONFIG, APP_LOGGER, ONE_TIME_STORE } from '../../shared/tokens.js';
import type { OneTimeStore } from '#side-stores';
import { SsoProviders } from '../sso-providers.js';

/** What a protocol proved about the person at the identity provider. */
export interface VerifiedIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/** Why a sign-in was refused: a stable code the UI receives (`?error=`), or a problem response. */
export const refuse = (code: ErrorCode, detail: string) => new SignInRefused(code, detail);

const CODE_TTL_MS = 60_000;
const codeInvalid = () => new ProblemException('sso-code-invalid', 'This sign-in code is invalid, expired or already used');
/** How long a started sign-in may take at the identity provider. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60_000;
type ExistingOrganization = Extract<OrganizationState, { status: 'existing' }>;

/**
 * The part of an SSO sign-in that does not depend on the protocol: which member the
 * verified identity is, whether they may sign in now, and the one-time code that the
 * UI swaps for a session.
 */
@Injectable()
export class SsoSignIn {
  constructor(
    private readonly providers: SsoProviders,
    private readonly streams: StreamCache,
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
    @Inject(ONE_TIME_STORE) private readonly oneTime: OneTimeStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly ipRanges: IpRanges,
  ) {
    // Parsed once: config checked at boot that every entry is an http(s) URL.
    this.returnTargets = config.ssoReturnToAllowlist.map((entry) => {
      const base = new URL(entry);
      return { origin: base.origin, path: base.pathname, under: base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/` };
    });
    this.landingUrl = config.ssoReturnToAllowlist[0] ?? null;
  }

  private readonly returnTargets: { origin: string; path: string; under: string }[];
  private readonly landingUrl: string | null;

  /** `returnTo` must be one of the allowed UI URLs (same origin, under the same path). */
  allowedReturnTo(returnTo: unknown): URL {
    const invalid = () =>
      new ProblemException('invalid-return-to', 'returnTo must be a URL of an allowed sign-in page', { errors: [{ field: 'returnTo', message: 'returnTo is not an allowed URL' }] });
    if (typeof returnTo !== 'string' || !URL.canParse(returnTo)) throw invalid();
    const url = new URL(returnTo);
    if (url.username || url.password || !/^https?:$/.test(url.protocol)) throw invalid();
    const allowed = this.returnTargets.some(
      (target) => target.origin === url.origin && (url.pathname === target.path || url.pathname.startsWith(target.under) || target.path === '/'),
    );
    if (!allowed) throw invalid();
    return url;
  }

  /** Where a browser goes that has no returnTo of its own (an IdP-initiated response): the first allowed UI URL. */
  landingPage(): string | null {
    return this.landingUrl;
  }

  /** A provider that can be used to sign in now, with the protocol the route expects (if it expects one). */
  async usable(providerId: string, protocol?: SsoProvider['protocol']) {
    const found = await this.providers.current(providerId);
    if (protocol && found.provider.protocol !== protocol) throw refuse('sso-provider-not-found', 'No such SSO provider');
    if (!found.provider.enabled) throw refuse('sso-provider-disabled', 'This sign-in provider is disabled');
    return found;
  }

  /**
   * Signs the identity in as a member of the provider's organization and returns the
   * one-time code. An identity is (provider, subject); an email alone signs no one in
   * unless the provider links verified emails automatically.
   */
  async complete(providerId: string, identity: VerifiedIdentity, metadata: CommandMetadata, codeChallenge: string): Promise<string> {
    // Read again after the round trip to the identity provider: it may have been disabled meanwhile.
    const { provider, organization } = await this.usable(providerId);
    // The guide's "Any verified email": whatever the domains, the email must be verified.
    if (!identity.email || !identity.emailVerified) throw refuse('sso-email-not-verified', 'The identity provider did not confirm a verified email address');
    if (!emailDomainAllowed(provider, identity.email)) throw refuse('sso-email-domain-not-allowed', "This email's domain is not allowed for this sign-in provider");

    let member = this.linkedMember(organization, providerId, identity.subject);
    let link = false;
    if (!member) {
      const candidate = this.memberWithExactEmail(organization, identity.email);
      if (!provider.autoLinkVerifiedEmail || !candidate) throw refuse('sso-account-not-linked', 'No account of this organization is linked to this identity');
      member = candidate;
      link = true;
    }
    this.admit(organization, member);
    // The organization's IP restrictions (issue 20), judged on the browser's address as it comes back from the provider.
    if (!this.ipRanges.allows(organization.ipRanges, metadata.ip)) {
      await this.ipRanges.record(organization.id, { ...metadata, actor: { id: member.id, kind: 'member', email: member.email, roles: [...member.roles] } }, { method: 'SSO', url: `/auth/sso/${providerId}` });
      throw refuse('ip-not-allowed', refusalMessage(metadata.ip));
    }
    if (link) {
      await this.commands.execute(
        toOrganization(
          organization.id,
          { type: 'LinkSsoIdentity', data: { providerId, subject: identity.subject, userId: member.id, email: identity.email } },
          { ...metadata, actor: { id: member.id, kind: 'member', email: member.email, roles: [...member.roles] } },
        ),
      );
    }
    const code = randomBytes(32).toString('base64url');
    await this.oneTime.put('sso-code', sha256Hex(code), JSON.stringify({ organizationId: organization.id, userId: member.id, codeChallenge }), CODE_TTL_MS);
    this.logger.info({ providerId, userId: member.id, linked: link }, 'SSO sign-in verified');
    return code;
  }

  /** Swaps a one-time code for a session, checking the member again (60 s may have changed things). */
  async exchange(code: string, codeVerifier: string | undefined) {
    // Taken first: a code presented with a wrong verifier is used up, not left to be guessed at.
    const raw = await this.oneTime.take('sso-code', sha256Hex(code));
    if (!raw) throw codeInvalid();
    const { organizationId, userId, codeChallenge } = JSON.parse(raw) as { organizationId: string; userId: string; codeChallenge: string };
    // PKCE (RFC 7636, S256): only the client that started the sign-in knows the verifier.
    if (!codeVerifier || createHash('sha256').update(codeVerifier).digest('base64url') !== codeChallenge) throw codeInvalid();
    const { state } = await this.streams.current(organizationStream(organizationId));
    const member = state.status === 'existing' ? state.members.get(userId) : undefined;
    if (state.status !== 'existing' || !member) throw codeInvalid();
    this.admit(state, member);
    return this.sessions.start({ principalId: member.id, principalKind: 'member', organizationId }, state.sessionPolicy);
  }

  /** The member an identity is: by its link, or by an address exactly theirs. */
  memberFor(organization: ExistingOrganization, providerId: string, identity: VerifiedIdentity): Member | undefined {
    const linked = this.linkedMember(organization, providerId, identity.subject);
    if (linked || !identity.email) return linked;
    return this.memberWithExactEmail(organization, identity.email);
  }

  /** The key finds look-alikes too; only the member's address exactly counts (shared/email.ts). */
  private memberWithExactEmail(organization: ExistingOrganization, email: string): Member | undefined {
    const userId = organization.emails.get(emailKey(email));
    const member = userId ? organization.members.get(userId) : undefined;
    return member && sameEmailForLinking(email, member.email) ? member : undefined;
  }

  private linkedMember(organization: ExistingOrganization, providerId: string, subject: string): Member | undefined {
    const userId = organization.ssoIdentities.get(ssoIdentityKey(providerId, subject));
    return userId ? organization.members.get(userId) : undefined;
  }

  /**
   * Exactly the refusals of a correct password: deactivated is told so (the identity
   * provider vouched for the person), a pending setup answers like bad credentials,
   * arrears as suspended.
   */
  private admit(organization: ExistingOrganization, member: Member): void {
    if (member.status === 'deactivated') throw deactivated();
    if (member.status !== 'active') throw new ProblemException('invalid-credentials', 'This account cannot sign in');
    if (organization.inArrearsAt) throw suspended();
    if (organization.deletion) throw beingDeleted();
  }
}
