import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.org' })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: string;
  @ApiProperty({ description: 'ISO 8601 time at which the session ends at the latest (absolute timeout)' }) expiresAt!: string;
  @ApiProperty({ description: 'The session also ends after this many minutes without a request' }) idleTimeoutMinutes!: number;
}

export class SetupDto {
  @ApiProperty({ description: 'The token from the setup link' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;

  @ApiProperty({ description: 'The new password (see the password policy in the README)' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ description: 'When given (the setup page sends it), must equal password' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  passwordConfirmation?: string;

  @ApiPropertyOptional({ description: "Required for the first super admin's bootstrap link: the super admin's email" })
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(254)
  email?: string;
}
