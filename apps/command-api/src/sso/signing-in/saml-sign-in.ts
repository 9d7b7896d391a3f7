import { Inject, Injectable } from '@nestjs/common';
import { SAML } from '@node-saml/node-saml';
import { MultiSamlStrategy, ValidateInResponseTo, type Profile, type SamlConfig } from '@node-saml/passport-saml';
import { DOMParser } from '@xmldom/xmldom';
import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import passport from 'passport';
import type { SsoProvider } from '#domain';
import type { AppConfig } from '#runtime';
import { APP_CONFIG, ONE_TIME_STORE } from '../../shared/tokens.js';
import type { OneTimeStore } from '#side-stores';
import { serviceProviderUrls } from '../sso-providers.js';
import { refuse, type VerifiedIdentity } from './sso-sign-in.service.js';

const SAML_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const REQUEST_TTL_MS = 10 * 60_000;
/** Accepted clock difference with the identity provider for NotBefore / NotOnOrAfter. */
const CLOCK_SKEW_MS = 30_000;
const EMAIL_ATTRIBUTES = ['email', 'mail', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'];

/** `unsolicited`: an IdP-initiated response the provider allows, which answers no request. */
type ProviderRequest = FastifyRequest & { ssoProvider?: SsoProvider; unsolicited?: boolean };

/**
 * SAML 2.0 through passport and `@node-saml/passport-saml` (5.1.x: the 2025 fixes that
 * read the assertion only from the signed bytes). One MultiSamlStrategy serves every
 * provider; its options come from the provider the route names:
 * - signed assertions are required, with the provider's certificate only (a
 *   certificate inside the response's KeyInfo is never trusted);
 * - audience (our SP entity ID), issuer (the IdP entity ID) and time bounds are checked
 *   by the library; the recipient and destination by `checkRecipient` below;
 * - InResponseTo must name a request this service made for this provider, in the
 *   shared one-time store, so any replica can finish a sign-in another one started;
 * - each assertion id is accepted once (`acceptOnce`).
 */
@Injectable()
export class SamlSignIn {
  private readonly passport = new passport.Passport();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ONE_TIME_STORE) private readonly oneTime: OneTimeStore,
  ) {
    const strategy = new MultiSamlStrategy(
      {
        passReqToCallback: true,
        getSamlOptions: (req, done) => {
          const provider = (req as unknown as ProviderRequest).ssoProvider;
          if (!provider) return done(new Error('no SSO provider on the request'));
          done(null, this.options(provider, (req as unknown as ProviderRequest).unsolicited === true));
        },
      },
      (_req: unknown, profile: Profile | null, done: (error: Error | null, user?: Record<string, unknown>) => void) => done(null, profile ?? undefined),
      (_req: unknown, _profile: Profile | null, done: (error: Error | null, user?: Record<string, unknown>) => void) => done(null),
    );
    this.passport.use('saml', strategy as unknown as passport.Strategy);
  }

  /**
   * Where to send the browser: the IdP with an AuthnRequest (HTTP-Redirect binding);
   * `relayState` brings the sign-in back. The URL is built by node-saml, as the passport
   * strategy builds it, so that the caller answers the redirect with its own headers
   * (the binding cookie).
   */
  authorizeUrl(req: FastifyRequest, provider: SsoProvider, relayState: string): Promise<string> {
    return new SAML(this.options(provider, false)).getAuthorizeUrlAsync('', req.headers.host, { additionalParams: { RelayState: relayState } });
  }

  /**
   * Validates the posted SAMLResponse and returns who signed in. `unsolicited`: the
   * response must answer no request (IdP-initiated, for a provider that allows it);
   * otherwise it must answer one this service made.
   */
  async verify(req: FastifyRequest, res: ServerResponse, provider: SsoProvider, unsolicited = false): Promise<VerifiedIdentity> {
    (req as ProviderRequest).ssoProvider = provider;
    (req as ProviderRequest).unsolicited = unsolicited;
    refuseSuspiciousMarkup(String((req.body as { SAMLResponse?: unknown }).SAMLResponse ?? ''));
    const profile = await new Promise<Profile>((resolve, reject) => {
      this.passport.authenticate('saml', { session: false }, (error: unknown, user: Profile | false, info: unknown) => {
        if (error) return reject(refuse('sso-assertion-rejected', `The SAML response was refused: ${(error as Error).message ?? error}`.slice(0, 300)));
        if (!user) return reject(refuse('sso-assertion-rejected', `The SAML response was refused: ${JSON.stringify(info ?? null)}`.slice(0, 300)));
        resolve(user);
      })(req, res, (error?: unknown) => reject(error ?? new Error('SAML validation failed')));
    });
    // The library checks the Response's Issuer, which is outside the signature; the signed assertion's must match too.
    if (profile.issuer !== provider.issuer) throw refuse('sso-assertion-rejected', 'The SAML assertion was issued by another identity provider');
    const assertion = new DOMParser().parseFromString(profile.getAssertionXml!(), 'text/xml').documentElement;
    this.checkRecipient(provider, assertion, profile, unsolicited);
    await this.acceptOnce(provider, assertion);
    const email = emailOf(profile);
    if (!profile.nameID) throw refuse('sso-assertion-rejected', 'The SAML assertion names no subject');
    // The IdP is the organization's authority for its addresses: an asserted email counts as verified.
    return { subject: profile.nameID, email, emailVerified: email !== null };
  }

  /** SP metadata for the provider's IdP administrator. */
  metadata(req: FastifyRequest, provider: SsoProvider): Promise<string> {
    (req as ProviderRequest).ssoProvider = provider;
    const strategy = (this.passport as unknown as { _strategy(name: string): MultiSamlStrategy })._strategy('saml');
    return new Promise((resolve, reject) => strategy.generateServiceProviderMetadata(req as never, null, null, (error, xml) => (error ? reject(error) : resolve(xml!))));
  }

  private options(provider: SsoProvider, unsolicited: boolean): SamlConfig {
    const { oneTime } = this;
    const urls = serviceProviderUrls(this.config, provider.id);
    const kind = `saml-request:${provider.id}`;
    return {
      entryPoint: provider.ssoUrl!,
      issuer: urls.spEntityId,
      callbackUrl: urls.acsUrl,
      audience: urls.spEntityId,
      idpCert: provider.idpCertificate!,
      idpIssuer: provider.issuer,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      // An unsolicited response answers no request: checkRecipient then requires that none is named.
      validateInResponseTo: unsolicited ? ValidateInResponseTo.never : ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: REQUEST_TTL_MS,
      // Request ids are kept per provider: an id issued for one organization's IdP means nothing to another's.
      cacheProvider: {
        saveAsync: async (key, value) => ((await oneTime.put(kind, key, value, REQUEST_TTL_MS)) ? { value, createdAt: Date.now() } : null),
        getAsync: (key) => oneTime.peek(kind, key),
        removeAsync: async (key) => (key === null ? null : oneTime.take(kind, key)),
      },
    };
  }

  /**
   * Binds the signed assertion to this service and to a request it made:
   * - every SubjectConfirmationData names our ACS URL as Recipient, and carries an
   *   InResponseTo equal to the Response's, which the library has checked against the
   *   requests this service issued (shared store, unexpired, then used up). Without
   *   this, an assertion with no InResponseTo (unsolicited) completed any sign-in in
   *   progress, its only link to the request being the Response's unsigned attribute.
   *   An unsolicited response (`unsolicited`, for a provider that allows IdP-initiated
   *   sign-in) must instead name no request at all;
   * - a signed Response carries a Destination equal to our ACS URL (SAML bindings,
   *   3.5.5.2), and an unsigned one, when it names a Destination, names ours.
   */
  private checkRecipient(provider: SsoProvider, assertion: Element, profile: Profile, unsolicited: boolean): void {
    const { acsUrl } = serviceProviderUrls(this.config, provider.id);
    const response = new DOMParser().parseFromString(profile.getSamlResponseXml!(), 'text/xml').documentElement;
    const requestId = response?.getAttribute('InResponseTo');
    const confirmations = Array.from(assertion.getElementsByTagNameNS(SAML_ASSERTION, 'SubjectConfirmationData'));
    if (confirmations.length === 0 || confirmations.some((c) => c.getAttribute('Recipient') !== acsUrl))
      throw refuse('sso-assertion-rejected', 'The SAML assertion is meant for another recipient');
    if (unsolicited) {
      if (requestId || confirmations.some((c) => c.hasAttribute('InResponseTo'))) throw refuse('sso-assertion-rejected', 'The SAML response answers a request this service did not make');
    } else if (!requestId || confirmations.some((c) => c.getAttribute('InResponseTo') !== requestId))
      throw refuse('sso-assertion-rejected', 'The SAML assertion does not answer a sign-in this service started');
    const destination = response.getAttribute('Destination');
    const signed = Array.from(response.childNodes).some((n) => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === 'Signature');
    if (signed && !destination) throw refuse('sso-assertion-rejected', 'A signed SAML response must name its Destination');
    if (destination && destination !== acsUrl) throw refuse('sso-assertion-rejected', 'The SAML response is meant for another destination');
  }

  /** Remembers the assertion id until it expires: a replayed assertion is refused, on any replica. */
  private async acceptOnce(provider: SsoProvider, assertion: Element): Promise<void> {
    const id = assertion.getAttribute('ID');
    if (!id) throw refuse('sso-assertion-rejected', 'The SAML assertion has no ID');
    const conditions = assertion.getElementsByTagNameNS(SAML_ASSERTION, 'Conditions')[0];
    const notOnOrAfter = Date.parse(conditions?.getAttribute('NotOnOrAfter') ?? '');
    const ttl = Number.isFinite(notOnOrAfter) ? Math.min(Math.max(notOnOrAfter - Date.now() + CLOCK_SKEW_MS, 60_000), 24 * 3_600_000) : 24 * 3_600_000;
    if (!(await this.oneTime.put(`saml-assertion:${provider.id}`, id, '1', ttl))) throw refuse('sso-assertion-replayed', 'This SAML assertion was already used');
  }
}

/**
 * Refuses markup that has no business in a response and has fooled signature checks
 * before: a DTD (entity expansion), and comments inside a signature (xml-crypto's 2025
 * "DigestValue comment" signature bypass; the current release still accepts a comment
 * there when the digest matches, which the SAML test showed). A real IdP sends
 * neither, so refusing costs nothing.
 */
function refuseSuspiciousMarkup(encoded: string): void {
  const xml = Buffer.from(encoded, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw refuse('sso-assertion-rejected', 'The SAML response contains a DTD');
  if (nestingDepth(xml) > MAX_XML_DEPTH) throw refuse('sso-assertion-rejected', `The SAML response is nested deeper than ${MAX_XML_DEPTH} elements`);
  const root = new DOMParser({ errorHandler: () => undefined }).parseFromString(xml, 'text/xml');
  const walk = (node: Node, inSignature: boolean): boolean => {
    if (node.nodeType === node.COMMENT_NODE && inSignature) return true;
    const here = inSignature || (node.nodeType === node.ELEMENT_NODE && (node as Element).localName === 'Signature');
    for (let child = node.firstChild; child; child = child.nextSibling) if (walk(child, here)) return true;
    return false;
  };
  if (walk(root as unknown as Node, false)) throw refuse('sso-assertion-rejected', 'The SAML response has a comment inside its signature');
}

/** A real response nests about a dozen elements; the XML parsers recurse once per level. */
const MAX_XML_DEPTH = 64;

/**
 * The deepest element nesting of a document, from its tags alone, before any parser
 * sees it: 35,000 nested elements overflowed the stack inside the XML library (caught,
 * but with a stack trace in the log). Comments, CDATA and processing instructions do
 * not nest and are not counted.
 */
export function nestingDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (const [tag] of xml.matchAll(/<\/?[A-Za-z_][^>]*>/g)) {
    if (tag.startsWith('</')) depth--;
    else if (!tag.endsWith('/>')) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

function emailOf(profile: Profile): string | null {
  for (const name of EMAIL_ATTRIBUTES) {
    const value = (profile as Record<string, unknown>)[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.includes('@')) return first.trim();
  }
  if (profile.nameIDFormat === 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' && profile.nameID?.includes('@')) return profile.nameID;
  return null;
}
