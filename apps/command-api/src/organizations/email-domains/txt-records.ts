import { Inject, Injectable } from '@nestjs/common';
import { Resolver } from 'node:dns/promises';
import type { AppConfig } from '#runtime';
import { ProblemException } from '../../shared/problem.js';
import { APP_CONFIG } from '../../shared/tokens.js';

/**
 * TXT records, looked up with Node's resolver (c-ares) against `DNS_SERVERS` or the
 * system's servers. A name that does not exist answers no records; a resolver that
 * cannot be reached is a 503, so an outage never reads as "the record is not there".
 */
@Injectable()
export class TxtRecords {
  private readonly resolver = new Resolver({ timeout: 3_000, tries: 2 });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.dnsServers) this.resolver.setServers(config.dnsServers);
  }

  async lookup(name: string): Promise<string[]> {
    try {
      return (await this.resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'ENONAME') return [];
      throw new ProblemException('dns-unavailable', `DNS could not be asked about ${name} (${code ?? 'error'}); try again shortly`, { name });
    }
  }
}
