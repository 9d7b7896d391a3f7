import { XAPI_VERSION } from '#domain';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module.js';
import { BootstrapService } from './auth/bootstrap.service.js';
import type { Infrastructure } from '#runtime';
import { NestPinoLogger } from '#runtime';
import { ResourceEtagInterceptor } from './shared/etag.interceptor.js';
import { parseByteSize, registerBodyParsers } from './shared/body-parsers.js';
import { completeOpenApi } from './shared/openapi.js';
import { ProblemDetailsFilter } from './shared/problem.filter.js';
import type { AuthenticatedRequest } from './shared/request-context.js';
import { createValidationPipe } from './shared/validation.js';

export interface App {
  app: NestFastifyApplication;
  /** The bootstrap link printed at first boot, when one was issued. */
  setupLink: string | null;
}

/** Builds the HTTP application on the given infrastructure (the tests use this too). */
export async function createApp(infra: Infrastructure): Promise<App> {
  const { config, logger } = infra;
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: parseByteSize(config.bodyLimit),
    // Correlation ids are the service's own (below); Fastify's request ids are not used.
    genReqId: () => '',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(infra), adapter, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'Retry-After', 'X-Correlation-Id'] });

  const filter = new ProblemDetailsFilter(logger);

  // Security headers. The API answers JSON; the only pages are /setup (its own strict
  // CSP) and the OpenAPI UI at /docs, which needs its inline script and styles.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });

  // Correlation id and a structured access log line per request (no query strings: they may hold tokens).
  fastify.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
    (request as unknown as AuthenticatedRequest).correlationId = correlationId;
    // Guards and handlers see Fastify's request; raw writes (streams, passport) see the raw one.
    (request.raw as unknown as { correlationId: string }).correlationId = correlationId;
    reply.header('X-Correlation-Id', correlationId);
    reply.header('X-Content-Type-Options', 'nosniff');
    // xAPI: every answer of the learning record store names the version it speaks, errors included.
    if (request.url === '/xapi' || request.url.startsWith('/xapi/') || request.url.startsWith('/xapi?')) reply.header('X-Experience-API-Version', XAPI_VERSION);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        correlationId: (request as unknown as AuthenticatedRequest).correlationId,
      },
      'request',
    );
  });
  registerBodyParsers(fastify, parseByteSize(config.bodyLimit));
  // Errors before a route's handler (a body that is not JSON, too large, too deep) reach
  // the same filter: Nest installs Fastify's error handler and routes it through the
  // global filters.
  app.useGlobalFilters(filter);
  app.useGlobalInterceptors(new ResourceEtagInterceptor());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = completeOpenApi(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Organization service')
      .setDescription('Organizations and membership for learning platforms. Errors are RFC 9457 problem details with a stable `code`.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  await app.init();
  await fastify.ready();
  const setupLink = await app.get(BootstrapService).run();
  // The first requests wait for the read models to include what start-up wrote (the
  // first super admin): with the projector in another process, a sign-in right after
  // start would otherwise not find the account yet.
  infra.startPosition = Math.max(infra.startPosition, await infra.eventStore.headPosition());
  return { app, setupLink };
}
