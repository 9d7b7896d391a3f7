import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ORGANIZATION_TYPES, PROFILE_FIELDS, PROFILE_RULES } from '#domain';

/**
 * The organization profile's fields in a request (multi-tenant guide: Organization
 * Details, Organization Types). Here only their shape is checked, and unknown fields are
 * refused; the rules (lengths, E.164, ISO 3166, URLs) are the domain's
 * (`libs/domain/src/organizations/profile.ts`), reported per field the same way.
 */
export class PostalAddressDto {
  @ApiPropertyOptional({ type: [String], maxItems: PROFILE_RULES.addressLinesMax, example: ['1 Lakeshore Drive', 'Suite 200'] })
  @IsOptional()
  @IsArray({ message: 'primaryContact.address.lines must be a list' })
  lines?: string[] | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.cityMax })
  @IsOptional()
  @IsString({ message: 'primaryContact.address.city must be text' })
  city?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.regionMax })
  @IsOptional()
  @IsString({ message: 'primaryContact.address.region must be text' })
  region?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.postalCodeMax })
  @IsOptional()
  @IsString({ message: 'primaryContact.address.postalCode must be text' })
  postalCode?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'ISO 3166-1 alpha-2', example: 'CA' })
  @IsOptional()
  @IsString({ message: 'primaryContact.address.country must be text' })
  country?: string | null;
}

export class PrimaryContactDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.contactNameMax })
  @IsOptional()
  @IsString({ message: 'primaryContact.name must be text' })
  name?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'E.164; spaces, dots, dashes and brackets are removed', example: '+14155550123' })
  @IsOptional()
  @IsString({ message: 'primaryContact.phone must be text' })
  phone?: string | null;

  @ApiPropertyOptional({ type: PostalAddressDto, nullable: true, description: 'replaced whole; null clears it' })
  @IsOptional()
  @IsObject({ message: 'primaryContact.address must be an object' })
  @ValidateNested()
  @Type(() => PostalAddressDto)
  address?: PostalAddressDto | null;
}

export class BillingContactDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.contactNameMax })
  @IsOptional()
  @IsString({ message: 'billingContact.name must be text' })
  name?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'accounts@example.org' })
  @IsOptional()
  @IsString({ message: 'billingContact.email must be text' })
  email?: string | null;
}

export class OrganizationProfileFields {
  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES, description: 'default company' })
  @IsOptional()
  @IsIn(ORGANIZATION_TYPES as unknown as string[], { message: `type must be one of ${ORGANIZATION_TYPES.join(', ')}` })
  type?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: PROFILE_RULES.industryMax, example: 'Language education' })
  @IsOptional()
  @IsString({ message: 'industry must be text' })
  @MaxLength(10_000)
  industry?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'an absolute http(s) URL', example: 'https://example.org' })
  @IsOptional()
  @IsString({ message: 'website must be text' })
  @MaxLength(10_000)
  website?: string | null;

  @ApiPropertyOptional({ type: PrimaryContactDto, nullable: true, description: 'patched field by field; null clears it' })
  @IsOptional()
  @IsObject({ message: 'primaryContact must be an object' })
  @ValidateNested()
  @Type(() => PrimaryContactDto)
  primaryContact?: PrimaryContactDto | null;

  @ApiPropertyOptional({ type: BillingContactDto, nullable: true, description: 'patched field by field; null clears it' })
  @IsOptional()
  @IsObject({ message: 'billingContact must be an object' })
  @ValidateNested()
  @Type(() => BillingContactDto)
  billingContact?: BillingContactDto | null;
}

/** The profile fields a request sent (absent ones left out: a merge patch), as plain objects for the command. */
export function profilePatchOf(body: OrganizationProfileFields): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) if (field in plain) patch[field] = plain[field];
  return patch;
}
