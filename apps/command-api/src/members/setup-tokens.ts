import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { SetupTokenRecord } from '#domain';
import type { AppConfig } from '#runtime';
import { sha256Hex } from '../shared/ids.js';
import type { SecretBox } from '#runtime';
import { APP_CONFIG, SECRET_BOX } from '../shared/tokens.js';

/**
 * Setup tokens: 256 bits from the CSPRNG. The log keeps the SHA-256 (to check a link)
 * and a ciphertext (so the mail reactor can build the link); never the token.
 */
@Injectable()
export class SetupTokens {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  issue(now: string): SetupTokenRecord {
    const token = randomBytes(32).toString('base64url');
    return {
      hash: sha256Hex(token),
      ciphertext: this.box.seal(token),
      expiresAt: new Date(Date.parse(now) + this.config.setupTokenTtlHours * 3_600_000).toISOString(),
    };
  }
}
