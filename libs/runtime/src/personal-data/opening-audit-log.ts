import type { AuditEntry, AuditLog, AuditQuery } from '#read-models';
import type { PersonalDataVault } from './vault.js';

/**
 * The audit log keeps entries as the log stores their events, personal values sealed
 * (issue 20); this is where they are opened, for whoever reads the trail. An erased
 * person's values read as erased, and nothing in the audit log's own storage ever held
 * them in clear.
 */
export class OpeningAuditLog implements AuditLog {
  constructor(
    private readonly inner: AuditLog,
    private readonly vault: PersonalDataVault,
  ) {}

  async page(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const { items, total } = await this.inner.page(query);
    return { items: await this.vault.openDeep(items), total };
  }
}
