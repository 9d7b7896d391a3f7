import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { detectLogoFormat, LOGO_MAX_BYTES, type CommandMetadata } from '#domain';
import { getOrganizationLogo, LOGO_EXTENSION } from '#read-models';
import type { ReadStore } from '#read-models';
import { Public, RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { organizationNotFound, ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { BLOB_STORE, READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import type { BlobStore } from '#side-stores';
import { LOGO_MAX_INPUT_SIDE, LogoRejected, normalizeLogo } from './normalize-logo.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';

/** Reads the raw body up to `limit` bytes; beyond it answers 413 without reading the rest. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume(); // the rest is discarded, not buffered
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit: number) =>
  new ProblemException('logo-too-large', `The logo must be at most ${limit / (1024 * 1024)} MiB`, { maxBytes: limit });

/**
 * Logos are not secret (a setup page shows them to whoever holds a link), so they are
 * served at a public, content-addressed URL an <img> can load and a CDN can keep
 * forever: the address changes whenever the image does.
 */
@ApiTags('organizations')
@ReadsFrom()
@Controller('logos')
export class PublicLogoController {
  constructor(@Inject(BLOB_STORE) private readonly blobs: BlobStore) {}

  /** A logo by the SHA-256 of its bytes and its extension, as an organization's `logoUrl` gives it. */
  @Get(':file')
  @Public()
  @ApiOkResponse({ description: 'The image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  async get(@Param('file') file: string, @Res() response: FastifyReply): Promise<void> {
    const match = /^([0-9a-f]{64})\.([a-z]{3,4})$/.exec(file);
    const bytes = match ? await this.blobs.get(match[1]) : null;
    // The bytes decide the type; an extension that does not name it is not this logo.
    const contentType = bytes ? detectLogoFormat(bytes) : null;
    if (!bytes || !contentType || LOGO_EXTENSION[contentType] !== match![2]) throw new ProblemException('logo-not-found', 'No such logo');
    await response
      .headers({ 'Cache-Control': 'public, max-age=31536000, immutable', ETag: `"${match![1]}"`, 'Cross-Origin-Resource-Policy': 'cross-origin' })
      .code(200)
      .type(contentType)
      .send(bytes);
  }
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/logo')
export class OrganizationLogoController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * Uploads the logo: the image itself is the body. JPEG, PNG, WebP, BMP or TIFF, by
   * content, at most 4,096 px on a side. It is decoded and stored re-encoded, at most
   * 512 px, without metadata; the organization's `logoUrl` then points at its public,
   * content-addressed copy.
   */
  @Put()
  @RequirePermission('organization:edit')
  @ApiBody({ description: 'The image bytes', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: WriteResponse })
  async upload(
    @Param('orgId') orgId: string,
    @Req() request: FastifyRequest,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const expectedRevision = parseIfMatch(ifMatch);
    // The organization must exist before a byte is stored; its stream is the authority.
    await currentOrganization(this.streams, orgId);
    const bytes = await readBody(request.raw, LOGO_MAX_BYTES);
    if (bytes.length === 0) throw new ProblemException('logo-missing', 'Send the image as the request body');
    const contentType = detectLogoFormat(bytes);
    if (!contentType)
      throw new ProblemException('unsupported-logo-format', 'The logo must be a JPEG, PNG, WebP, BMP or TIFF image', {
        supported: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff'],
      });
    let normalized: Awaited<ReturnType<typeof normalizeLogo>>;
    try {
      normalized = await normalizeLogo(bytes, contentType);
    } catch (error) {
      if (error instanceof LogoRejected) throw new ProblemException(error.code, error.message, { maxSide: LOGO_MAX_INPUT_SIDE });
      throw error;
    }
    const sha256 = await this.blobs.put(normalized.bytes);
    const logo = { sha256, contentType: normalized.contentType, size: normalized.bytes.length };
    const result = await this.commands.execute(toOrganization(orgId, { type: 'ChangeOrganizationLogo', data: { logo } }, metadata, { expectedRevision }));
    return { id: orgId, revision: result.version, position: result.position };
  }

  @Get()
  @RequirePermission('organization:view')
  async download(@Param('orgId') orgId: string, @Res() response: FastifyReply, @Headers('if-none-match') ifNoneMatch?: string): Promise<void> {
    const logo = await getOrganizationLogo(this.readStore, orgId);
    if (logo === undefined) throw organizationNotFound();
    if (logo === null) throw new ProblemException('logo-not-found', 'This organization has no logo');
    const etag = `"${logo.sha256}"`;
    void response.headers({ ETag: etag, 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff' });
    if (ifNoneMatch === etag) {
      await response.code(304).send();
      return;
    }
    const bytes = await this.blobs.get(logo.sha256);
    if (!bytes) throw new ProblemException('logo-not-found', 'The logo file is missing');
    await response.code(200).type(logo.contentType).send(bytes);
  }

  @Delete()
  @RequirePermission('organization:edit')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RemoveOrganizationLogo', data: {} }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: orgId, revision: result.version, position: result.position };
  }
}
