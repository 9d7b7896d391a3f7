import { createHash, randomBytes } from 'node:crypto';

/**
 * What an admin UI does around an SSO sign-in: a PKCE pair (it sends the challenge to
 * login and the verifier to the exchange), and the browser's binding cookie (set by
 * login, sent back to the callback or ACS).
 */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The `name=value` of the binding cookie a login response set. */
export function bindingCookie(response: { headers: Record<string, unknown> }): string {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  const found = cookies.find((c) => c.startsWith('__Host-sso-binding='));
  if (!found) throw new Error(`login set no binding cookie: ${JSON.stringify(cookies)}`);
  return found.split(';')[0];
}
