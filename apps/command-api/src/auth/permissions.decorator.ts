import { SetMetadata } from '@nestjs/common';
import type { Permission } from '#domain';

export const PERMISSION_KEY = 'permission';
export const PUBLIC_ROUTE = 'public';

/** The permission a route requires, checked by the one global guard. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may call (sign-in, health, docs). Declaring it is required too. */
export const Public = () => SetMetadata(PERMISSION_KEY, PUBLIC_ROUTE);

export const XAPI_CLIENT_ROUTE = 'xapi-client';
/**
 * A route of the learning record store (/xapi): called by learning content with an xAPI
 * credential over HTTP Basic, not by a signed-in person.
 */
export const XapiClientRoute = () => SetMetadata(PERMISSION_KEY, XAPI_CLIENT_ROUTE);
