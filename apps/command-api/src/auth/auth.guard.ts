import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { decideAccess, judgeSession, type AccessRole, type ErrorCode, type OrganizationRole, type Permission, type Principal } from '#domain';
import { findAccountById, type AccountDocument } from '#read-models';
import { ORGANIZATIONS, type OrganizationDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { sha256Hex, UUID_PATTERN } from '../shared/ids.js';
import { organizationNotFound, ProblemException } from '../shared/problem.js';
import { commandMetadataFrom, type AuthenticatedRequest } from '../shared/request-context.js';
import { READ_STORE } from '../shared/tokens.js';
import { PERMISSION_KEY, PUBLIC_ROUTE, XAPI_CLIENT_ROUTE } from './permissions.decorator.js';
import { SessionsService } from './sessions.service.js';
import { requireXapiVersion, XapiClients } from './xapi-clients.js';
import { IpRanges } from './ip-ranges.js';
import { BEING_DELETED_MESSAGE, SUSPENDED_MESSAGE } from './messages.js';

export { BEING_DELETED_MESSAGE, SUSPENDED_MESSAGE };

export const suspended = () => new ProblemException('organization-suspended', SUSPENDED_MESSAGE, {}, { 'WWW-Authenticate': 'Bearer' });
export const beingDeleted = () => new ProblemException('organization-being-deleted', BEING_DELETED_MESSAGE, {}, { 'WWW-Authenticate': 'Bearer' });
/**
 * Told only to whoever proves they are the person (a correct password, a token that
 * once worked), so it reveals nothing to a guesser; "sign in again" would send a
 * deactivated user round in circles.
 */
export const DEACTIVATED_MESSAGE = 'Your account has been deactivated. Please contact an administrator of your organization.';
export const deactivated = () => new ProblemException('account-deactivated', DEACTIVATED_MESSAGE, {}, { 'WWW-Authenticate': 'Bearer' });
const unauthenticated = (detail = 'Sign in to continue', code: ErrorCode = 'unauthenticated') => new ProblemException(code, detail, {}, { 'WWW-Authenticate': 'Bearer' });
const ended = () => unauthenticated('Your session has ended; sign in again');

/** How each way a session stops working is answered. */
const REFUSALS = {
  ended,
  deactivated,
  suspended,
  'being-deleted': beingDeleted,
  'timed-out': () => unauthenticated('Your session timed out; sign in again', 'session-expired'),
} as const;

/** The member's roles, and the scoped ones that leading a department or a team gives. */
function accessRoles(account: AccountDocument): AccessRole[] {
  return [
    ...(account.roles as OrganizationRole[]),
    ...(account.departmentsLed?.length ? (['departmentAdmin'] as const) : []),
    ...(account.teamsLed?.length ? (['teamLeader'] as const) : []),
  ];
}

/**
 * The one guard. Every route declares a permission (or @Public); a route that does
 * not is refused, so forgetting a declaration fails closed. Each request checks the
 * session against the account and organization as they are now, not what a token
 * once claimed: deactivation, "end all sessions", arrears and timeout policies take
 * effect on the very next request, on every device.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly xapiClients: XapiClients,
    private readonly ipRanges: IpRanges,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declared = this.reflector.getAllAndOverride<Permission | typeof PUBLIC_ROUTE | typeof XAPI_CLIENT_ROUTE | undefined>(PERMISSION_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!declared) throw new ProblemException('route-without-permission', 'This route declares no permission and is closed');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();

    if (declared === XAPI_CLIENT_ROUTE) {
      request.xapiClient = await this.xapiClients.authenticate(request.headers.authorization);
      requireXapiVersion(request.headers['x-experience-api-version']);
      return true;
    }

    if (declared === PUBLIC_ROUTE) {
      // Public routes still learn who is calling when a valid token is sent.
      request.principal = (await this.authenticate(request).catch(() => null)) ?? undefined;
      return true;
    }

    const principal = await this.authenticate(request);
    if (!principal) throw unauthenticated();
    request.principal = principal;

    const params = request.params as Record<string, unknown> | undefined;
    const query = request.query as Record<string, unknown> | undefined;
    const orgId = typeof params?.orgId === 'string' ? params.orgId : undefined;
    // A malformed id cannot name an organization: it is simply not found.
    if (orgId !== undefined && !UUID_PATTERN.test(orgId)) throw organizationNotFound();
    // Routes outside /organizations/:orgId (the audit export and verification) name the
    // organization in the query; without one they are platform-wide.
    const queried = typeof query?.organizationId === 'string' ? query.organizationId : undefined;
    const decision = decideAccess(principal, declared, orgId ?? queried);
    if (decision === 'not-found') throw organizationNotFound();
    if (decision === 'forbidden') throw new ProblemException('forbidden', 'You do not have permission to do this');
    return true;
  }

  /** The caller, or null without a token; throws 401 for a token that no longer works. */
  private async authenticate(request: AuthenticatedRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header) : null;
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const tokenHash = sha256Hex(match[1]);
    const session = await this.sessions.find(tokenHash);
    if (!session) throw ended();

    const account = await findAccountById(this.readStore, session.principalId);
    const organization =
      account?.kind === 'member' ? await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: account.organizationId! }) : undefined;
    // The rule is the domain's (access/sessions.ts); here it is read and answered.
    const verdict = judgeSession({ session, account, organization, platformPolicy: this.sessions.superAdminPolicy, now: Date.now() });
    if (!verdict.valid) {
      if (verdict.revoke) await this.sessions.end(tokenHash);
      throw REFUSALS[verdict.reason]();
    }
    // Ended by a command (deactivation, arrears) the read models have not caught up with
    // yet: refused at once, with the same words they will give.
    if (session.endedReason) {
      if (session.endedReason === 'suspended' || session.endedReason === 'being-deleted') await this.sessions.end(tokenHash);
      throw REFUSALS[session.endedReason]();
    }
    const principal: Principal =
      account!.kind === 'member'
        ? { kind: 'member', id: account!._id, email: account!.email, organizationId: organization!._id, roles: accessRoles(account!) }
        : account!.kind === 'platformAuditor' || account!.kind === 'platformAnalyst'
          ? { kind: account!.kind, id: account!._id, email: account!.email }
          : { kind: 'superAdmin', id: account!._id, email: account!.email };
    // The organization's IP restrictions (issue 20) bind its members; super admins and platform accounts are exempt.
    if (principal.kind === 'member' && organization?.ipRanges?.length && !this.ipRanges.allows(organization.ipRanges, request.ip)) {
      request.principal = principal;
      await this.ipRanges.refuse(organization._id, commandMetadataFrom(request), request);
    }
    await this.sessions.touch(session);
    request.sessionTokenHash = tokenHash;
    return principal;
  }
}
