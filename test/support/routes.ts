import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PERMISSION_KEY } from '../../apps/command-api/src/auth/permissions.decorator.js';

export interface RouteInfo {
  method: string;
  path: string;
  route: string;
  permission: string | undefined;
}

/** Every route of the running app with the permission it declares, read from Nest's metadata. */
export function listRoutes(app: NestFastifyApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const found: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      // `::` is Fastify's escape for a literal colon (`invitations::bulk` serves /invitations:bulk).
      const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/::/g, ':');
      found.push({ method, path: full, route: `${method} ${full}`, permission: reflector.getAllAndOverride(PERMISSION_KEY, [handler as never, metatype]) });
    }
  }
  return found;
}
