import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { detectLogoFormat, LOGO_MAX_BYTES, organizationDecider, organizationStreamName, type CommandMetadata, type LogoRef, type OrganizationCommand } from '../../../../../libs/domain/src/index.js';
import { getOrganizationLogo } from '../../../../../libs/read-models/src/queries/organizations.queries.js';
import type { ReadStore } from '../../../../../libs/read-models/src/read-store.port.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository, parseIfMatch } from '../../shared/aggregate-repository.js';
import { organizationNotFound, ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { BLOB_STORE, READ_STORE } from '../../shared/tokens.js';
import { handleOrganizationCommand, OrganizationStreamCommand, WriteResponse } from '../organization-command.js';
import type { BlobStore } from './blob-store.js';

export class ChangeOrganizationLogo extends OrganizationStreamCommand {
  constructor(
    organizationId: string,
    readonly logo: LogoRef,
    metadata: CommandMetadata,
    expectedRevision?: number,
  ) {
    super(organizationId, metadata, expectedRevision);
  }
  toDomain(): OrganizationCommand {
    return { type: 'ChangeOrganizationLogo', data: { logo: this.logo } };
  }
}

export class RemoveOrganizationLogo extends OrganizationStreamCommand {
  toDomain(): OrganizationCommand {
    return { type: 'RemoveOrganizationLogo', data: {} };
  }
}

@CommandHandler(ChangeOrganizationLogo)
export class ChangeOrganizationLogoHandler implements ICommandHandler<ChangeOrganizationLogo> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: ChangeOrganizationLogo) {
    return handleOrganizationCommand(this.repository, command);
  }
}

@CommandHandler(RemoveOrganizationLogo)
export class RemoveOrganizationLogoHandler implements ICommandHandler<RemoveOrganizationLogo> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: RemoveOrganizationLogo) {
    return handleOrganizationCommand(this.repository, command);
  }
}

/** Reads the raw body up to `limit` bytes; beyond it answers 413 without reading the rest. */
async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.unpipe?.();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (limit: number) =>
  new ProblemException(413, 'logo-too-large', `The logo must be at most ${limit / (1024 * 1024)} MiB`, { maxBytes: limit });

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations/:orgId/logo')
export class OrganizationLogoController {
  constructor(
    private readonly commands: CommandBus,
    private readonly repository: AggregateRepository,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** Uploads the logo: the image itself is the body. JPEG, PNG, WebP, BMP or TIFF, by content. */
  @Put()
  @RequirePermission('organization:edit')
  @ApiBody({ description: 'The image bytes', schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: WriteResponse })
  async upload(
    @Param('orgId') orgId: string,
    @Req() request: Request,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const expectedRevision = parseIfMatch(ifMatch);
    // The organization must exist before a byte is stored; its stream is the authority.
    const organization = await this.repository.load(organizationStreamName(orgId), organizationDecider);
    if (organization.state.status !== 'existing') throw organizationNotFound();
    const bytes = await readBody(request, LOGO_MAX_BYTES);
    if (bytes.length === 0) throw new ProblemException(400, 'logo-missing', 'Send the image as the request body');
    const contentType = detectLogoFormat(bytes);
    if (!contentType)
      throw new ProblemException(415, 'unsupported-logo-format', 'The logo must be a JPEG, PNG, WebP, BMP or TIFF image', {
        supported: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff'],
      });
    const sha256 = await this.blobs.put(bytes);
    const result = await this.commands.execute(new ChangeOrganizationLogo(orgId, { sha256, contentType, size: bytes.length }, metadata, expectedRevision));
    return { id: orgId, revision: result.revision, position: result.position };
  }

  @Get()
  @RequirePermission('organization:view')
  async download(@Param('orgId') orgId: string, @Res() response: Response, @Headers('if-none-match') ifNoneMatch?: string): Promise<void> {
    const logo = await getOrganizationLogo(this.readStore, orgId);
    if (logo === undefined) throw organizationNotFound();
    if (logo === null) throw new ProblemException(404, 'logo-not-found', 'This organization has no logo');
    const etag = `"${logo.sha256}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', 'private, max-age=300');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (ifNoneMatch === etag) {
      response.status(304).end();
      return;
    }
    const bytes = await this.blobs.get(logo.sha256);
    if (!bytes) throw new ProblemException(404, 'logo-not-found', 'The logo file is missing');
    response.status(200).type(logo.contentType).send(bytes);
  }

  @Delete()
  @RequirePermission('organization:edit')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async remove(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const result = await this.commands.execute(new RemoveOrganizationLogo(orgId, metadata, parseIfMatch(ifMatch)));
    return { id: orgId, revision: result.revision, position: result.position };
  }
}
