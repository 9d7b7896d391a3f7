import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '#domain';
import { findAccountByEmail } from '#read-models';
import type { ReadStore } from '#read-models';
import { LoginResponse } from '../../auth/auth.dto.js';
import { Public } from '../../auth/permissions.decorator.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { sha256Hex } from '../../shared/ids.js';
import { ProblemException } from '../../shared/problem.js';
import { commandMetadataFrom, type AuthenticatedRequest } from '../../shared/request-context.js';
import { APP_LOGGER, ONE_TIME_STORE, READ_STORE } from '../../shared/tokens.js';
import type { OneTimeStore } from '#side-stores';
import { ParseProviderId, ssoProviderNotFound, SsoProviders } from '../sso-providers.js';
import { OidcSignIn, type PendingOidcSignIn } from './oidc-sign-in.js';
import { SamlSignIn } from './saml-sign-in.js';
import { PENDING_SIGN_IN_TTL_MS, SsoSignIn } from './sso-sign-in.service.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { ssoProvidersProjection } from '#read-models';

export class SsoExchangeDto {
  @ApiProperty({ description: 'The one-time code the sign-in redirected back with' })
  @IsString({ message: 'code must be text' })
  @MaxLength(200, { message: 'code is too long' })
  code!: string;

  @ApiProperty({ description: 'The PKCE verifier whose S256 challenge the UI sent to login: proves this is the client that started the sign-in' })
  @IsOptional()
  @IsString({ message: 'codeVerifier must be text' })
  @MaxLength(128, { message: 'codeVerifier is too long' })
  codeVerifier?: string;
}

export class SsoDiscoveryQuery {
  @ApiPropertyOptional()
  @IsString({ message: 'email is required' })
  @MaxLength(254, { message: 'email is too long' })
  email!: string;
}

interface PendingSamlSignIn extends BrowserBinding {
  providerId: string;
  returnTo: string;
}

/**
 * What ties a sign-in to the client that started it (login CSRF): the hash of a random
 * value held in an HttpOnly cookie of the browser that called login, and the admin UI's
 * PKCE challenge, whose verifier the exchange requires.
 */
interface BrowserBinding {
  bindingHash: string;
  codeChallenge: string;
}

/**
 * `__Host-`: set by this origin only, on every path, Secure. SameSite=None because the
 * SAML response arrives as a cross-site POST from the identity provider.
 */
export const BINDING_COOKIE = '__Host-sso-binding';
const BINDING_COOKIE_ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=None';

/** The binding value is base64url: nothing in it needs encoding in a cookie. */
const setBindingCookie = (res: FastifyReply, value: string, maxAgeMs: number) =>
  res.header('Set-Cookie', `${BINDING_COOKIE}=${value}; Max-Age=${Math.floor(maxAgeMs / 1000)}; ${BINDING_COOKIE_ATTRIBUTES}`);
const clearBindingCookie = (res: FastifyReply) => res.header('Set-Cookie', `${BINDING_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${BINDING_COOKIE_ATTRIBUTES}`);

function bindingOf(req: FastifyRequest): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === BINDING_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The cookie the browser sent matches the one its login set. */
function boundTo(req: FastifyRequest, pending: BrowserBinding): boolean {
  const binding = bindingOf(req);
  if (!binding) return false;
  const sent = Buffer.from(sha256Hex(binding));
  const expected = Buffer.from(pending.bindingHash);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const stateInvalid = () => new ProblemException('sso-state-invalid', 'This sign-in was not started here, has expired or was already finished; start again');

/** Adds `key=value` to a return URL, keeping what it already carries. */
function withParam(returnTo: string, key: string, value: string): string {
  const url = new URL(returnTo);
  url.searchParams.set(key, value);
  return url.toString();
}

/**
 * Sign-in through an organization's identity provider, driven by an admin UI:
 * login -> identity provider -> callback (OIDC) or ACS (SAML) -> back to `returnTo`
 * with a one-time code -> POST /auth/sso/exchange -> the same session as a password
 * sign-in. Once `returnTo` is known and allowed, a refusal goes back there as
 * `?error=<code>`; before that it is a problem response.
 */
@ApiTags('auth')
@ReadsFrom(ssoProvidersProjection)
@Controller('auth/sso')
export class SsoSignInController {
  constructor(
    private readonly signIn: SsoSignIn,
    private readonly providers: SsoProviders,
    private readonly oidc: OidcSignIn,
    private readonly saml: SamlSignIn,
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(ONE_TIME_STORE) private readonly oneTime: OneTimeStore,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Tells a sign-in page whether this address's organization requires SSO, and through which provider. */
  @Get('discover')
  @Public()
  async discover(@Query() query: SsoDiscoveryQuery) {
    const account = await findAccountByEmail(this.readStore, query.email);
    const provider = account?.kind === 'member' && account.organizationId ? await this.providers.requiredFor(account.organizationId) : null;
    // Unknown addresses and addresses without such a provider get the same answer.
    if (!provider) return { ssoRequired: false };
    return { ssoRequired: true, providerId: provider._id, displayName: provider.displayName, protocol: provider.protocol, loginPath: `/auth/sso/${provider._id}/login` };
  }

  /** Swaps the one-time code for a session: the same answer as POST /auth/login. */
  @Post('exchange')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  exchange(@Body() body: SsoExchangeDto) {
    return this.signIn.exchange(body.code, body.codeVerifier);
  }

  /**
   * Starts a sign-in: redirects to the identity provider. `codeChallenge` is the admin
   * UI's PKCE challenge (S256 of a verifier it keeps); the exchange requires the
   * verifier. The browser gets an HttpOnly cookie the callback (or ACS) requires, so a
   * sign-in cannot be finished in another browser than the one that started it.
   */
  @Get(':providerId/login')
  @Public()
  async login(
    @Param('providerId', ParseProviderId) providerId: string,
    @Query('returnTo') returnToParam: unknown,
    @Query('codeChallenge') codeChallenge: unknown,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ) {
    const returnTo = this.signIn.allowedReturnTo(returnToParam).toString();
    if (typeof codeChallenge !== 'string' || !CODE_CHALLENGE.test(codeChallenge))
      throw new ProblemException('validation-failed', 'codeChallenge must be the S256 PKCE challenge of a verifier the client keeps', {
        errors: [{ field: 'codeChallenge', message: 'codeChallenge must be 43 base64url characters (S256)' }],
      });
    const binding = randomBytes(32).toString('base64url');
    const bound: BrowserBinding = { bindingHash: sha256Hex(binding), codeChallenge };
    await this.backToUi(res, returnTo, providerId, async () => {
      const { provider: usable } = await this.signIn.usable(providerId);
      setBindingCookie(res, binding, PENDING_SIGN_IN_TTL_MS);
      if (usable.protocol === 'oidc') {
        const { url, state, pending } = await this.oidc.start(usable, returnTo);
        await this.oneTime.put('oidc-state', state, JSON.stringify({ ...pending, ...bound }), PENDING_SIGN_IN_TTL_MS);
        await res.redirect(url.toString(), 302);
      } else {
        const relayState = randomBytes(24).toString('base64url');
        await this.oneTime.put('saml-relay', relayState, JSON.stringify({ providerId, returnTo, ...bound } satisfies PendingSamlSignIn), PENDING_SIGN_IN_TTL_MS);
        await res.redirect(await this.saml.authorizeUrl(req, usable, relayState), 302);
      }
    });
  }

  /** OpenID Connect: the identity provider sends the browser back here with a code. */
  @Get(':providerId/callback')
  @Public()
  async callback(@Param('providerId', ParseProviderId) providerId: string, @Query('state') state: unknown, @Query('error') idpError: unknown, @Req() req: AuthenticatedRequest, @Res() res: FastifyReply) {
    if (typeof state !== 'string' || state.length > 200) throw stateInvalid();
    const raw = await this.oneTime.peek('oidc-state', state);
    const pending = raw ? (JSON.parse(raw) as PendingOidcSignIn & BrowserBinding) : null;
    // Another browser cannot finish it, nor use it up: the state is taken only once the cookie matched.
    if (!pending || pending.providerId !== providerId || !boundTo(req, pending)) throw stateInvalid();
    if ((await this.oneTime.take('oidc-state', state)) === null) throw stateInvalid();
    clearBindingCookie(res);
    await this.backToUi(res, pending.returnTo, providerId, async () => {
      if (idpError !== undefined) throw new ProblemException('sso-provider-error', `The identity provider refused the sign-in (${String(idpError).slice(0, 100)})`);
      const { provider } = await this.signIn.usable(providerId, 'oidc');
      const query = req.url.slice(req.url.indexOf('?') + 1);
      const identity = await this.oidc.finish(provider, query, pending, state);
      return this.signIn.complete(providerId, identity, commandMetadataFrom(req), pending.codeChallenge);
    });
  }

  /** SAML 2.0: the identity provider posts the signed response here (HTTP-POST binding). */
  @Post(':providerId/acs')
  @Public()
  async acs(@Param('providerId', ParseProviderId) providerId: string, @Body() body: Record<string, unknown>, @Req() req: AuthenticatedRequest, @Res() res: FastifyReply) {
    const relayState = typeof body?.RelayState === 'string' && body.RelayState.length <= 200 ? body.RelayState : null;
    const raw = relayState ? await this.oneTime.peek('saml-relay', relayState) : null;
    const pending = raw ? (JSON.parse(raw) as PendingSamlSignIn) : null;
    // No sign-in of ours under this RelayState: an IdP-initiated response, if the provider takes them.
    if (!pending && typeof body.SAMLResponse === 'string') return this.idpInitiated(providerId, req, res);
    if (!pending || pending.providerId !== providerId || typeof body.SAMLResponse !== 'string' || !boundTo(req, pending)) throw stateInvalid();
    await this.backToUi(res, pending.returnTo, providerId, async () => {
      const { provider } = await this.signIn.usable(providerId, 'saml');
      const identity = await this.saml.verify(req, res.raw, provider);
      // The relay state is used up only by a valid response: a forged one cannot cancel the real sign-in.
      if ((await this.oneTime.take('saml-relay', relayState!)) === null) throw stateInvalid();
      clearBindingCookie(res);
      return this.signIn.complete(providerId, identity, commandMetadataFrom(req), pending.codeChallenge);
    });
  }

  /**
   * An unsolicited SAML response, for a provider that allows them (off by default): it
   * is verified like any other (signature, issuer, audience, recipient, time, each
   * assertion once) and must name no request; its address must be in the provider's
   * domains. It signs no one in: such a response can be bound neither to a browser nor
   * to the UI's PKCE verifier. It is recorded in the organization's audit trail, and
   * the browser goes to the UI (the first SSO_RETURN_TO_ALLOWLIST entry) with
   * `?idpInitiated=<providerId>`, to start an ordinary sign-in that the identity
   * provider's session completes at once.
   */
  private async idpInitiated(providerId: string, req: AuthenticatedRequest, res: FastifyReply): Promise<void> {
    const { provider, organization } = await this.providers.current(providerId);
    if (provider.protocol !== 'saml' || provider.allowIdpInitiated !== true || !provider.enabled) throw stateInvalid();
    const landing = this.signIn.landingPage();
    if (!landing) throw stateInvalid();
    await this.backToUi(res, landing, providerId, async () => {
      const identity = await this.saml.verify(req, res.raw, provider, true);
      if (!identity.email) throw new ProblemException('sso-email-not-verified', 'The identity provider did not assert an email address');
      // The actor is the person the provider vouched for, when they are a member (by the
      // linked subject, or by their exact address); otherwise the request stays anonymous.
      const metadata = commandMetadataFrom(req);
      const member = this.signIn.memberFor(organization, providerId, identity);
      const actor = member ? { id: member.id, kind: 'member' as const, email: member.email, roles: [...member.roles] } : metadata.actor;
      await this.commands.execute(
        toOrganization(organization.id, { type: 'RecordIdpInitiatedSignIn', data: { providerId, subject: identity.subject, email: identity.email } }, { ...metadata, actor }),
      );
      await res.redirect(withParam(landing, 'idpInitiated', providerId), 302);
    });
  }

  /** SAML service-provider metadata, for the identity provider's administrator. */
  @Get(':providerId/metadata')
  @Public()
  async metadata(@Param('providerId', ParseProviderId) providerId: string, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    const { provider } = await this.providers.current(providerId);
    if (provider.protocol !== 'saml') throw ssoProviderNotFound();
    const xml = await this.saml.metadata(req, provider);
    await res.code(200).type('application/samlmetadata+xml').send(xml);
  }

  /**
   * Runs a step whose outcome goes back to the UI: a code on success (when the step
   * returns one), `?error=<code>` on a refusal. Anything unexpected is logged and
   * reported as `sso-failed`, never as a stack trace.
   */
  private async backToUi(res: FastifyReply, returnTo: string, providerId: string, step: () => Promise<string | void>): Promise<void> {
    try {
      const code = await step();
      if (typeof code === 'string') await res.redirect(withParam(returnTo, 'code', code), 302);
    } catch (error) {
      if (res.sent) return;
      const known = error instanceof ProblemException || error instanceof DomainError;
      const code = known ? error.code : 'sso-failed';
      if (known) this.logger.info({ providerId, code, reason: error.message }, 'SSO sign-in refused');
      else this.logger.error({ providerId, err: error }, 'SSO sign-in failed');
      await res.redirect(withParam(returnTo, 'error', code), 302);
    }
  }
}
