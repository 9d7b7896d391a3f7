import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { etagOf } from './etag.js';

/**
 * One resource in, one ETag out: every answer that is a single resource (an `id` and
 * its version, `revision`) carries that version as a strong ETag, whether a GET read it
 * or a write produced it. Lists carry none: a list has no version to send back.
 */
@Injectable()
export class ResourceEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        if (context.getType() !== 'http' || body === null || typeof body !== 'object') return body;
        const { id, revision } = body as { id?: unknown; revision?: unknown };
        const response = context.switchToHttp().getResponse<FastifyReply>();
        if (typeof id === 'string' && typeof revision === 'number' && !response.sent && !response.getHeader('ETag')) void response.header('ETag', etagOf(revision));
        return body;
      }),
    );
  }
}
