import forge from 'node-forge';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';

/** A signing key and its self-signed certificate, made in the test: an identity provider's, or an attacker's. */
export interface SigningIdentity {
  privateKeyPem: string;
  certificatePem: string;
}

export function makeSigningIdentity(commonName: string): SigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + randomUUID().replace(/-/g, '').slice(0, 16);
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3_600_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

/** The AuthnRequest id and RelayState from the service's redirect to the IdP (HTTP-Redirect binding). */
export function readAuthnRequest(location: string): { id: string; relayState: string; xml: string } {
  const url = new URL(location);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const id = /\bID="([^"]+)"/.exec(xml)![1];
  return { id, relayState: url.searchParams.get('RelayState')!, xml };
}

export interface AssertionInput {
  idpEntityId: string;
  acsUrl: string;
  audience: string;
  /** null leaves InResponseTo out of SubjectConfirmationData (as an unsolicited assertion has it). */
  inResponseTo: string | null;
  nameId: string;
  email: string;
  assertionId?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** An unsigned SAML 2.0 assertion, as an IdP would issue it for this SP. */
export function assertionXml(input: AssertionInput): string {
  const now = new Date();
  const notBefore = input.notBefore ?? new Date(now.getTime() - 60_000);
  const notOnOrAfter = input.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const id = input.assertionId ?? `_a${randomUUID().replace(/-/g, '')}`;
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${escape(input.idpEntityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${escape(input.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData${input.inResponseTo === null ? '' : ` InResponseTo="${escape(input.inResponseTo)}"`} NotOnOrAfter="${iso(notOnOrAfter)}" Recipient="${escape(input.acsUrl)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}">` +
    `<saml:AudienceRestriction><saml:Audience>${escape(input.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s${randomUUID().slice(0, 8)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${escape(input.email)}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

/** Signs the assertion with `identity` (enveloped, exclusive c14n, RSA-SHA256); KeyInfo carries its certificate. */
export const signAssertion = (assertion: string, identity: SigningIdentity): string => signEnveloped(assertion, 'Assertion', identity);

/** An enveloped signature over the document's root element, placed after its Issuer. */
function signEnveloped(xml: string, root: 'Assertion' | 'Response', identity: SigningIdentity): string {
  const signer = new SignedXml({
    privateKey: identity.privateKeyPem,
    publicCert: identity.certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `/*[local-name(.)='${root}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, { location: { reference: `/*[local-name(.)='${root}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

/** Wraps assertions in a Response (unsigned, as many IdPs send it: the assertion carries the signature). */
export function responseXml(input: { idpEntityId: string; acsUrl: string; inResponseTo: string | null; destination?: string | null }, ...assertions: string[]): string {
  const destination = input.destination === undefined ? input.acsUrl : input.destination;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${randomUUID().replace(/-/g, '')}" Version="2.0" IssueInstant="${iso(new Date())}"${destination === null ? '' : ` Destination="${escape(destination)}"`}${input.inResponseTo === null ? '' : ` InResponseTo="${escape(input.inResponseTo)}"`}>` +
    `<saml:Issuer>${escape(input.idpEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertions.join('') +
    `</samlp:Response>`
  );
}

export const encodeResponse = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

/** Signs the whole Response too (enveloped, after its Issuer), as some IdPs do. */
export const signResponse = (response: string, identity: SigningIdentity): string => signEnveloped(response, 'Response', identity);
