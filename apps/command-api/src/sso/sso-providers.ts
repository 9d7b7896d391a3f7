import { Inject, Injectable, ParseUUIDPipe } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import type { SsoProvider } from '#domain';
import { SSO_PROVIDERS, type SsoProviderDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import type { AppConfig } from '#runtime';
import { StreamCache } from '../shared/write/stream-cache.js';
import { organizationStream } from '../shared/write/stream-command.js';
import { ProblemException } from '../shared/problem.js';
import { READ_STORE } from '../shared/tokens.js';

export const ssoProviderNotFound = () => new ProblemException('sso-provider-not-found', 'No such SSO provider');
/** A provider id in a route: anything but a UUID names no provider. */
export const ParseProviderId = new ParseUUIDPipe({ exceptionFactory: () => ssoProviderNotFound() });

/** The guide's wording for a provider without allowed domains. */
export const ANY_VERIFIED_EMAIL = 'Any verified email';

/** The URLs this service answers for a provider: what a super admin gives the identity provider. */
export function serviceProviderUrls(config: Pick<AppConfig, 'publicUrl'>, providerId: string) {
  const base = `${config.publicUrl}/auth/sso/${providerId}`;
  return {
    /** OIDC redirect URI. */
    redirectUri: `${base}/callback`,
    /** SAML: the SP entity ID is the metadata URL, a common convention IdPs accept. */
    spEntityId: `${base}/metadata`,
    acsUrl: `${base}/acs`,
    metadataUrl: `${base}/metadata`,
  };
}

/** A provider as the API shows it: never the secret, only whether one is set. */
export function providerView(config: Pick<AppConfig, 'publicUrl'>, doc: SsoProviderDocument) {
  const urls = serviceProviderUrls(config, doc._id);
  const common = {
    id: doc._id,
    organizationId: doc.organizationId,
    displayName: doc.displayName,
    protocol: doc.protocol,
    issuer: doc.issuer,
    allowedDomains: doc.allowedDomains,
    domains: doc.allowedDomains.length ? doc.allowedDomains.join(', ') : ANY_VERIFIED_EMAIL,
    anyVerifiedEmail: doc.allowedDomains.length === 0,
    enabled: doc.enabled,
    status: doc.enabled ? 'Active' : 'Disabled',
    requireSso: doc.requireSso,
    autoLinkVerifiedEmail: doc.autoLinkVerifiedEmail,
    allowIdpInitiated: doc.allowIdpInitiated === true,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    /** The provider's version: also the ETag, for If-Match on edit and delete. */
    revision: doc.version,
  };
  return doc.protocol === 'oidc'
    ? { ...common, clientId: doc.clientId, scopes: doc.scopes, clientSecretSet: true, redirectUri: urls.redirectUri }
    : { ...common, ssoUrl: doc.ssoUrl, idpCertificate: doc.idpCertificate, spEntityId: urls.spEntityId, acsUrl: urls.acsUrl, metadataUrl: urls.metadataUrl };
}

/**
 * Parses a PEM certificate and gives it back in a canonical form; a field error for
 * anything that is not one X.509 certificate, or one already expired.
 */
export function normalizeCertificate(pem: string | undefined): string | undefined {
  if (pem === undefined) return undefined;
  const trimmed = pem.trim();
  if (trimmed === '') return '';
  const invalid = (detail: string) =>
    new ProblemException('invalid-sso-provider', detail, { errors: [{ field: 'idpCertificate', message: detail }] });
  if (!/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(trimmed)) throw invalid('idpCertificate must be one PEM certificate (-----BEGIN CERTIFICATE-----)');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(trimmed);
  } catch {
    throw invalid('idpCertificate is not a valid X.509 certificate');
  }
  if (Date.parse(certificate.validTo) < Date.now()) throw invalid(`idpCertificate expired on ${new Date(certificate.validTo).toISOString()}`);
  return certificate.toString().trim();
}

/** Finds providers: the organization from the read model, the provider itself from its stream. */
@Injectable()
export class SsoProviders {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly streams: StreamCache,
  ) {}

  async document(providerId: string): Promise<SsoProviderDocument> {
    const doc = await this.readStore.collection<SsoProviderDocument>(SSO_PROVIDERS).findOne({ _id: providerId });
    if (!doc || doc.removedAt) throw ssoProviderNotFound();
    return doc;
  }

  /** The provider as its organization's stream has it now (with the sealed secret), and the organization. */
  async current(providerId: string) {
    const { organizationId } = await this.document(providerId);
    const stream = await this.streams.current(organizationStream(organizationId));
    const organization = stream.state;
    const provider: SsoProvider | undefined = organization.status === 'existing' ? organization.ssoProviders.get(providerId) : undefined;
    if (!provider || organization.status !== 'existing') throw ssoProviderNotFound();
    return { provider, organization };
  }

  /** The provider that makes password sign-in unavailable to the organization's members, if any. */
  async requiredFor(organizationId: string): Promise<SsoProviderDocument | null> {
    return this.readStore.collection<SsoProviderDocument>(SSO_PROVIDERS).findOne({ organizationId, enabled: true, requireSso: true, removedAt: null });
  }
}
