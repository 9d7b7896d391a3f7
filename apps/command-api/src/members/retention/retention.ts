import { Controller, HttpCode, Inject, Injectable, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Cron } from '@nestjs/schedule';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { accessRecordsSubject, learningRecordsSubject, retentionPlan, SYSTEM_ACTOR, type CommandMetadata, type ExistingOrganization, type RetentionPlan } from '#domain';
import { ORGANIZATIONS, type AuditLog, type OrganizationDocument, type ReadStore } from '#read-models';
import type { Infrastructure } from '#runtime';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { Meta } from '../../shared/request-context.js';
import { APP_LOGGER, AUDIT_LOG, INFRASTRUCTURE, READ_STORE } from '../../shared/tokens.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { retentionStreamOf, toRetention } from '../../shared/write/stream-command.js';
import { EraseUser } from '../erasing.js';
import { booleanQuery } from '../../shared/validation.js';

/** Daily, at 03:10 UTC, in every API process (a run two processes race for erases nothing twice). */
export const RETENTION_CRON = '10 3 * * *';

export interface RetentionReport extends RetentionPlan {
  organizationId: string;
  dryRun: boolean;
}

/**
 * The retention policy enforced (issue 20; domain: personal-data/retention.ts): erases
 * the deactivated members, access records and learning records past their days, by
 * destroying keys, and reports what it erased (or, on a dry run, what it would).
 * Order: members are erased (each as by an admin, UserErased first), the months' keys
 * destroyed, then the run recorded; a run that fails part-way is done again by the next,
 * since every step may be repeated.
 */
@Injectable()
export class RetentionJob {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(AUDIT_LOG) private readonly auditLog: AuditLog,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'vault'>,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  @Cron(RETENTION_CRON, { name: 'retention' })
  async onSchedule(): Promise<void> {
    const now = new Date();
    const organizations = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).find({}, { projection: { _id: 1 } });
    for (const { _id } of organizations) {
      try {
        const report = await this.apply(_id, { now, dryRun: false });
        if (report.members.length || report.accessRecordMonths.length || report.learningRecordMonths.length) this.logger.info({ ...report }, 'retention erased records past their days');
      } catch (error) {
        this.logger.error({ err: error, organizationId: _id }, 'applying the retention policy failed; trying again at the next run');
      }
    }
  }

  async apply(organizationId: string, options: { now: Date; dryRun: boolean; metadata?: CommandMetadata }): Promise<RetentionReport> {
    const organization = await currentOrganization(this.streams, organizationId);
    const since = (await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: organizationId }))?.createdAt ?? options.now.toISOString();
    const { state } = await this.streams.current(retentionStreamOf(organizationId));
    const policy = organization.settings.policies.retention;
    const plan = retentionPlan({
      policy: { accessRecordsDays: policy.accessRecordsDays ?? null, deactivatedMembersDays: policy.deactivatedMembersDays ?? null, learningRecordsDays: policy.learningRecordsDays ?? null },
      now: options.now.toISOString(),
      since: String(since),
      state,
      deactivated: policy.deactivatedMembersDays === null ? [] : await this.deactivations(organization),
    });
    // Only months that hold records (have a key) are erased and reported.
    const held = await this.infra.vault.withKeys([...plan.accessRecordMonths.map((m) => accessRecordsSubject(organizationId, m)), ...plan.learningRecordMonths.map((m) => learningRecordsSubject(organizationId, m))]);
    plan.accessRecordMonths = plan.accessRecordMonths.filter((m) => held.has(accessRecordsSubject(organizationId, m)));
    plan.learningRecordMonths = plan.learningRecordMonths.filter((m) => held.has(learningRecordsSubject(organizationId, m)));
    const report: RetentionReport = { organizationId, dryRun: options.dryRun, ...plan };
    if (options.dryRun) return report;

    const correlationId = randomUUID();
    const metadata: CommandMetadata = options.metadata ?? { actor: SYSTEM_ACTOR, now: options.now.toISOString(), correlationId, causationId: correlationId };
    for (const userId of plan.members) await this.commands.execute(new EraseUser(organizationId, userId, metadata));
    const months = [...plan.accessRecordMonths.map((m) => accessRecordsSubject(organizationId, m)), ...plan.learningRecordMonths.map((m) => learningRecordsSubject(organizationId, m))];
    if (months.length) await this.infra.vault.erase(months, metadata.now);
    const learningRecordKeys = Object.fromEntries(plan.learningRecordMonths.map((m) => [m, this.infra.vault.keyIdOf(learningRecordsSubject(organizationId, m))]));
    await this.commands.execute(
      toRetention(organizationId, { type: 'ApplyRetention', data: { organizationId, now: metadata.now, accessRecordMonths: plan.accessRecordMonths, learningRecordKeys, erasedMembers: plan.members } }, metadata),
    );
    return report;
  }

  /**
   * The organization's deactivated members not yet erased, with when they were last
   * deactivated: read from the audit log (its times and ids are in clear), newest first.
   */
  private async deactivations(organization: ExistingOrganization): Promise<{ userId: string; deactivatedAt: string }[]> {
    const waiting = new Set([...organization.members.values()].filter((m) => m.status === 'deactivated' && !m.erased).map((m) => m.id));
    const found: { userId: string; deactivatedAt: string }[] = [];
    for (let page = 1; waiting.size > 0; page++) {
      const { items } = await this.auditLog.page({ organizationId: organization.id, types: ['UserDeactivated'], page, pageSize: 500 });
      for (const entry of items)
        if (waiting.delete(entry.target.id)) found.push({ userId: entry.target.id, deactivatedAt: entry.occurredAt });
      if (items.length < 500) break;
    }
    return found;
  }
}

class RetentionQueryDto {
  @ApiPropertyOptional({ description: 'true: report what is past retention and erase nothing', default: false })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun: boolean = false;
}

@ApiTags('members')
@ApiBearerAuth()
@Controller('organizations/:orgId/retention')
export class RetentionController {
  constructor(private readonly job: RetentionJob) {}

  /**
   * Applies the organization's retention policy now (the daily job does the same), or with
   * dryRun=true reports what it would erase: the deactivated members, and the months of
   * access and learning records, past their days.
   */
  @Post('run')
  @RequirePermission('personal-data:erase')
  @HttpCode(200)
  @ApiOkResponse({ description: 'What was erased (or would be, on a dry run)' })
  run(@Param('orgId') orgId: string, @Query() query: RetentionQueryDto, @Meta() metadata: CommandMetadata): Promise<RetentionReport> {
    return this.job.apply(orgId, { now: new Date(metadata.now), dryRun: query.dryRun, metadata });
  }
}
