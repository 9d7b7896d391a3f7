import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { decideAccess, type Permission, type Principal } from '../../../../libs/domain/src/index.js';
import { findAccountById } from '../../../../libs/read-models/src/queries/accounts.queries.js';
import type { ReadStore } from '../../../../libs/read-models/src/read-store.port.js';
import { sha256Hex, UUID_PATTERN } from '../shared/ids.js';
import { organizationNotFound, ProblemException } from '../shared/problem.js';
import type { AuthenticatedRequest } from '../shared/request-context.js';
import { READ_STORE, SESSION_STORE } from '../shared/tokens.js';
import { PERMISSION_KEY, PUBLIC_ROUTE } from './permissions.decorator.js';
import type { SessionStore } from './session-store.js';

const unauthenticated = (detail = 'Sign in to continue') => new ProblemException(401, 'unauthenticated', detail, {}, { 'WWW-Authenticate': 'Bearer' });

/**
 * The one guard. Every route declares a permission (or @Public); a route that does
 * not is refused, so forgetting a declaration fails closed. Each request checks the
 * session and the account as they are now, not what a token once claimed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.getAllAndOverride<Permission | typeof PUBLIC_ROUTE | undefined>(PERMISSION_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!declared) throw new ProblemException(403, 'route-without-permission', 'This route declares no permission and is closed');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

    if (declared === PUBLIC_ROUTE) {
      // Public routes still learn who is calling when a valid token is sent (sign-out, "me").
      request.principal = (await this.authenticate(request, false)) ?? undefined;
      return true;
    }

    const principal = await this.authenticate(request, true);
    request.principal = principal!;

    const orgId = typeof request.params?.orgId === 'string' ? request.params.orgId : undefined;
    // A malformed id cannot name an organization: it is simply not found.
    if (orgId !== undefined && !UUID_PATTERN.test(orgId)) throw organizationNotFound();
    const decision = decideAccess(principal!, declared, orgId);
    if (decision === 'not-found') throw organizationNotFound();
    if (decision === 'forbidden') throw new ProblemException(403, 'forbidden', 'You do not have permission to do this');
    return true;
  }

  private async authenticate(request: AuthenticatedRequest, required: boolean): Promise<Principal | null> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header) : null;
    if (!match) {
      if (required) throw unauthenticated();
      return null;
    }
    const tokenHash = sha256Hex(match[1]);
    const session = await this.sessions.find(tokenHash);
    if (!session || session.expiresAt <= new Date().toISOString()) {
      if (required) throw unauthenticated('Your session has ended; sign in again');
      return null;
    }
    request.sessionTokenHash = tokenHash;
    // The account as it is now: a deactivated user's token stops working at once, and
    // role changes apply to the next request without signing in again.
    const account = await findAccountById(this.readStore, session.principalId);
    if (!account || account.status !== 'active' || account.kind !== session.principalKind) {
      if (required) throw unauthenticated('Your session has ended; sign in again');
      return null;
    }
    if (account.kind === 'superAdmin') return { kind: 'superAdmin', id: account._id, email: account.email };
    return { kind: 'member', id: account._id, email: account.email, organizationId: account.organizationId!, roles: account.roles as ('admin' | 'instructor')[] };
  }
}
