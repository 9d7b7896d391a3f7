import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { CommandMetadata, Principal } from '#domain';
import type { XapiClient } from '../auth/xapi-clients.js';

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
  sessionTokenHash?: string;
  correlationId?: string;
  /** On the xAPI routes: the credential the learning content sent. */
  xapiClient?: XapiClient;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Builds the command metadata (actor, time, correlation, origin) from a request. */
export function commandMetadataFrom(request: AuthenticatedRequest, now = new Date()): CommandMetadata {
  const principal = request.principal;
  const correlationId = request.correlationId ?? randomUUID();
  return {
    actor: request.xapiClient
      ? { id: request.xapiClient.credentialId, kind: 'xapiClient', roles: [] }
      : principal
      ? principal.kind === 'superAdmin'
        ? { id: principal.id, kind: 'superAdmin', email: principal.email, roles: ['superAdmin'] }
        : principal.kind === 'platformAuditor' || principal.kind === 'platformAnalyst'
          ? { id: principal.id, kind: principal.kind, email: principal.email, roles: [principal.kind] }
          : { id: principal.id, kind: 'member', email: principal.email, roles: [...principal.roles] }
      : { id: 'anonymous', kind: 'anonymous', roles: [] },
    now: now.toISOString(),
    correlationId,
    // An HTTP request has no causing event; the request itself is the cause.
    causationId: correlationId,
    ip: request.ip,
    userAgent: header(request, 'user-agent')?.slice(0, 512),
    idempotencyKey: header(request, 'idempotency-key'),
  };
}

/** `@Meta()` in a controller method gives the command metadata of the current request. */
export const Meta = createParamDecorator((_data: unknown, context: ExecutionContext): CommandMetadata =>
  commandMetadataFrom(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** `@CurrentPrincipal()` gives the authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
