import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { strToU8, zipSync } from 'fflate';
import { type CommandMetadata, type Principal } from '#domain';
import { getMember, membersProjection, statementsOfMember, statementsProjection, ORGANIZATIONS, type OrganizationDocument, type ReadStore } from '#read-models';
import type { SessionStore } from '#side-stores';
import { tableCsv, type ReportTable } from '../../analytics/report-export.js';
import { DataAccessLog } from '../../audit/data-access.js';
import { AuditLogReader, type AuditEntryView } from '../../audit/audit-log-reader.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { CurrentPrincipal, Meta } from '../../shared/request-context.js';
import { READ_STORE, SESSION_STORE } from '../../shared/tokens.js';
import { ParseUserId, userNotFound } from '../user-id.js';

const FORMATS = ['zip', 'json'] as const;

class PersonalDataQueryDto {
  @ApiPropertyOptional({ enum: FORMATS, default: 'zip', description: 'zip: personal-data.json with a CSV per record type; json: the JSON alone' })
  @IsOptional()
  @IsIn(FORMATS as unknown as string[], { message: `format must be one of ${FORMATS.join(', ')}` })
  format: (typeof FORMATS)[number] = 'zip';
}

/**
 * A person's personal data (GDPR articles 15 and 20; issue 20): everything the service
 * holds about a member, machine-readable. Their profile and membership, their roles over
 * time, their sessions (each a sign-in, kept until it ends), their learning records, and
 * the audit entries about them and by them. Admins export anyone's, everyone their own;
 * each export is itself recorded as data accessed, before the data leaves.
 */
@ApiTags('members')
@ApiBearerAuth()
@ReadsFrom(membersProjection, statementsProjection)
@Controller('organizations/:orgId/users/:userId/personal-data')
export class PersonalDataController {
  constructor(
    private readonly audit: AuditLogReader,
    private readonly accessLog: DataAccessLog,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
  ) {}

  @Get()
  @RequirePermission('personal-data:export')
  @ApiOkResponse({ description: 'application/zip (personal-data.json and a CSV per record type), or the JSON with format=json' })
  async export(
    @Param('orgId') orgId: string,
    @Param('userId', ParseUserId) userId: string,
    @Query() query: PersonalDataQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Meta() metadata: CommandMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const member = await getMember(this.readStore, orgId, userId);
    if (!member) throw userNotFound();
    const admin = principal.kind === 'superAdmin' || (principal.kind === 'member' && principal.roles.some((r) => r === 'admin' || r === 'owner'));
    if (!admin && principal.id !== userId) throw new ProblemException('forbidden', 'You may export your own personal data; an admin exports anyone\'s');
    await this.accessLog.record(orgId, 'personal-data-export', { userId, label: `${member.firstName} ${member.lastName} <${member.email}>`, format: query.format }, metadata);

    const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: orgId });
    const { about, by } = await this.audit.aboutAndBy(orgId, userId);
    const sessions = (await this.sessions.listFor(userId)).map((s) => ({ signedInAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, endedReason: s.endedReason ?? null }));
    const learningRecords = (await statementsOfMember(this.readStore, orgId, userId)).map(({ statement, voided }) => ({ ...statement, voided }));
    const data = {
      exportedAt: metadata.now,
      person: { id: member.id, email: member.email, firstName: member.firstName, lastName: member.lastName },
      membership: { organizationId: orgId, organizationName: organization?.name ?? null, status: member.status, roles: member.roles, teamIds: member.teamIds },
      rolesOverTime: rolesOverTime(about),
      sessions,
      learningRecords,
      auditEntriesAboutThem: about,
      auditEntriesByThem: by,
    };
    if (query.format === 'json') return data;

    const tables: ReportTable[] = [
      { name: 'profile', columns: ['id', 'email', 'firstName', 'lastName', 'organizationId', 'organizationName', 'status', 'roles', 'teamIds'], rows: [{ ...data.person, ...data.membership }] },
      { name: 'roles-over-time', columns: ['at', 'roles', 'by'], rows: data.rolesOverTime },
      { name: 'sessions', columns: ['signedInAt', 'lastSeenAt', 'expiresAt', 'endedReason'], rows: sessions },
      { name: 'learning-records', columns: ['id', 'timestamp', 'stored', 'verb', 'object', 'result', 'voided'], rows: learningRecords.map((s) => ({ ...s, verb: idOf(s, 'verb'), object: idOf(s, 'object') })) },
      { name: 'audit-about-them', columns: ['occurredAt', 'type', 'summary', 'actor', 'ip', 'userAgent'], rows: about.map(auditRow) },
      { name: 'audit-by-them', columns: ['occurredAt', 'type', 'summary', 'ip', 'userAgent'], rows: by.map(auditRow) },
    ];
    const files: Record<string, Uint8Array> = { 'personal-data.json': strToU8(JSON.stringify(data, null, 2)) };
    for (const table of tables) files[`${table.name}.csv`] = strToU8(tableCsv(table));
    reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="personal-data-${userId}.zip"`);
    return Buffer.from(zipSync(files, { level: 6 }));
  }
}

/** The roles a member held, from when: their invitation's, then each edit that changed them. */
function rolesOverTime(about: AuditEntryView[]): { at: string; roles: string[]; by: string | null }[] {
  const history: { at: string; roles: string[]; by: string | null }[] = [];
  for (const entry of about) {
    const roles =
      entry.type === 'UserInvited' ? (entry.details.roles as string[] | undefined) : entry.type === 'UserEdited' ? (entry.changes.find((c) => c.field === 'roles')?.after as string[] | undefined) : undefined;
    if (roles) history.push({ at: entry.occurredAt, roles, by: entry.actor.email });
  }
  return history;
}

/** A statement part's id (its verb's, its object's), for a CSV cell. */
const idOf = (statement: object, part: 'verb' | 'object'): string | null => ((statement as Record<string, { id?: string } | undefined>)[part]?.id ?? null);

const auditRow = (entry: AuditEntryView) => ({ occurredAt: entry.occurredAt, type: entry.type, summary: entry.summary, actor: entry.actor.email ?? entry.actor.id, ip: entry.ip, userAgent: entry.userAgent });
