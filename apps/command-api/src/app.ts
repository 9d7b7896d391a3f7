import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module.js';
import { BootstrapService } from './auth/bootstrap.service.js';
import type { Infrastructure } from '#runtime';
import { NestPinoLogger } from '#runtime';
import { ResourceEtagInterceptor } from './shared/etag.interceptor.js';
import { limitJsonDepth } from './shared/json-depth.js';
import { completeOpenApi } from './shared/openapi.js';
import { ProblemDetailsFilter } from './shared/problem.filter.js';
import type { AuthenticatedRequest } from './shared/request-context.js';
import { createValidationPipe } from './shared/validation.js';

export interface App {
  app: NestExpressApplication;
  /** The bootstrap link printed at first boot, when one was issued. */
  setupLink: string | null;
}

/** Builds the HTTP application on the given infrastructure (the tests use this too). */
export async function createApp(infra: Infrastructure): Promise<App> {
  const { config, logger } = infra;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(infra), {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', process.env.TRUST_PROXY === 'true');
  app.disable('x-powered-by');
  // ETags are the resources' own versions (ResourceEtagInterceptor), the values If-Match
  // takes; Express' hashes of response bodies would be ETags that If-Match refuses.
  app.set('etag', false);
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['ETag', 'Retry-After', 'X-Correlation-Id'] });

  const filter = new ProblemDetailsFilter(logger);

  // Security headers. The API answers JSON; the only pages are /setup (its own strict
  // CSP) and the OpenAPI UI at /docs, which needs its inline script and styles.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"] },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  // Correlation id and a structured access log line per request (no query strings: they may hold tokens).
  app.use((request: AuthenticatedRequest, response: Response, next: NextFunction) => {
    const given = request.headers['x-correlation-id'];
    request.correlationId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
    response.setHeader('X-Correlation-Id', request.correlationId);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    const started = performance.now();
    response.on('finish', () =>
      logger.info(
        {
          method: request.method,
          path: request.originalUrl.split('?')[0],
          status: response.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          correlationId: request.correlationId,
        },
        'request',
      ),
    );
    next();
  });
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] }));
  app.use(limitJsonDepth);
  // SAML responses arrive as a form post (HTTP-POST binding): signed XML with
  // certificates and attributes easily passes 16 kB.
  app.use(/^\/auth\/sso\/[^/]+\/acs$/, express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 10 }));
  // The setup page is a plain HTML form.
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  // Body parser errors (bad JSON, too large) become problem responses, like every other error.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const { problem, headers } = filter.toProblem(error);
    problem.instance = request.originalUrl.split('?')[0];
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });

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
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });

  await app.init();
  const setupLink = await app.get(BootstrapService).run();
  return { app, setupLink };
}
