import type { FastifyInstance } from 'fastify';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth.js';
import { badRequest, ProblemException } from './problem.js';

/** `BODY_LIMIT` as bytes: a number with an optional unit (`100kb`, `1mb`). */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)?\s*$/i.exec(text);
  if (!match) throw new Error(`BODY_LIMIT must be a size such as 100kb, not ${JSON.stringify(text)}`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
  return Math.floor(Number(match[1]) * unit);
}

/** SAML responses arrive as a form post (HTTP-POST binding): signed XML with certificates and attributes easily passes 16 kB. */
const SAML_ACS = /^\/auth\/sso\/[^/?]+\/acs(?:\?|$)/;
const FORM_LIMITS = { acs: { bytes: 512 * 1024, parameters: 10 }, other: { bytes: 16 * 1024, parameters: 20 } };

const tooLarge = () => new ProblemException('payload-too-large', 'The request body is too large');

/**
 * The bodies this API reads, and nothing else:
 * - JSON (`application/json`, `application/*+json`) up to `BODY_LIMIT`, refused when
 *   nested deeper than MAX_JSON_DEPTH (class-transformer recurses once per level);
 * - a form post for the two pages that take one (the setup page, the SAML ACS), with
 *   limits on size and on the number of fields;
 * - any other type is left unread for the route that streams it (the logo upload reads
 *   its own body with its own limit).
 */
export function registerBodyParsers(fastify: FastifyInstance, jsonLimit: number): void {
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = (_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(badRequest('malformed-json', 'The request body is not valid JSON'), undefined);
    }
    if (parsed !== null && typeof parsed === 'object' && jsonDepthExceeds(parsed, MAX_JSON_DEPTH))
      return done(badRequest('json-too-deep', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    done(null, parsed);
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: jsonLimit }, parseJson);
  fastify.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'string', bodyLimit: jsonLimit }, parseJson);

  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMITS.acs.bytes }, (request, body, done) => {
    const limits = SAML_ACS.test(request.url) ? FORM_LIMITS.acs : FORM_LIMITS.other;
    const text = String(body);
    if (Buffer.byteLength(text) > limits.bytes) return done(tooLarge(), undefined);
    const fields: Record<string, string | string[]> = {};
    let count = 0;
    for (const [name, value] of new URLSearchParams(text)) {
      if (++count > limits.parameters) return done(new ProblemException('payload-too-large', 'The form has too many fields'), undefined);
      const existing = fields[name];
      fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, fields);
  });

  // Everything else: not read here.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}
