import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { IP_RESTRICTION_RULES, type CommandMetadata } from '#domain';
import { DataAccessLog } from '../audit/data-access.js';
import { ProblemException } from '../shared/problem.js';
import { APP_LOGGER } from '../shared/tokens.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Reads a list of CIDR ranges (issue 20, IP restrictions) with ipaddr.js: IPv4 in strict
 * dotted-quad form, IPv6 in any standard form; a single address is its own range (/32,
 * /128). Each is normalized to its network address (`203.0.113.7/24` is `203.0.113.0/24`),
 * so one range has one spelling. Answers the ranges, or every refused entry by its index.
 */
export function readRanges(input: unknown): { ranges: string[]; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  if (!Array.isArray(input)) return { ranges: [], errors: [{ field: 'ranges', message: 'ranges must be an array of CIDR ranges' }] };
  if (input.length > IP_RESTRICTION_RULES.maxRanges) return { ranges: [], errors: [{ field: 'ranges', message: `ranges must hold at most ${IP_RESTRICTION_RULES.maxRanges} CIDR ranges, not ${input.length}` }] };
  const ranges: string[] = [];
  input.forEach((entry, i) => {
    const normalized = typeof entry === 'string' ? normalizeRange(entry.trim()) : null;
    if (normalized === null) errors.push({ field: `ranges[${i}]`, message: `ranges[${i}] must be an IPv4 or IPv6 address or CIDR range, such as 203.0.113.0/24 or 2001:db8::/32` });
    else ranges.push(normalized);
  });
  return { ranges, errors };
}

function normalizeRange(text: string): string | null {
  const cidr = text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)) {
    const [, bits] = ipaddr.IPv4.parseCIDR(cidr);
    return `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${bits}`;
  }
  if (!cidr.includes('.') && ipaddr.IPv6.isValidCIDR(cidr)) {
    const [, bits] = ipaddr.IPv6.parseCIDR(cidr);
    return `${ipaddr.IPv6.networkAddressFromCIDR(cidr).toString()}/${bits}`;
  }
  return null;
}

export const refusalMessage = (ip: string | undefined) => `Your address ${ip ?? '(unknown)'} is outside the IP ranges this organization allows`;

/** How often a refused request from one person at one address is written to the audit log. */
const RECORD_EVERY_MS = 10 * 60_000;

/**
 * Whether an address is inside an organization's ranges, and the refusal when not. The
 * ranges come from the organizations read model (already normalized); each list is
 * parsed once. A refused request is recorded in the organization's access log, at most
 * once per person and address every ten minutes, so a client retrying in a loop cannot
 * fill the log.
 */
@Injectable()
export class IpRanges {
  private readonly parsed = new Map<string, Range[]>();
  private readonly recorded = new Map<string, number>();

  constructor(
    private readonly accessLog: DataAccessLog,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether `address` (as Fastify gives it: IPv4, IPv6 or IPv4-mapped IPv6) is inside any of `ranges`. */
  allows(ranges: readonly string[], address: string | undefined): boolean {
    if (ranges.length === 0) return true;
    if (!address || !ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address);
    return this.rangesOf(ranges).some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits));
  }

  /** Refuses a member's request from outside their organization's ranges (403 ip-not-allowed), recording it. */
  async refuse(organizationId: string, metadata: CommandMetadata, request: { method: string; url: string }): Promise<never> {
    await this.record(organizationId, metadata, request);
    throw new ProblemException('ip-not-allowed', refusalMessage(metadata.ip));
  }

  /** Records a refused request in the organization's access log (at most once per person and address every ten minutes). */
  async record(organizationId: string, metadata: CommandMetadata, request: { method: string; url: string }): Promise<void> {
    const key = `${organizationId}|${metadata.actor.id}|${metadata.ip}`;
    const now = Date.now();
    if ((this.recorded.get(key) ?? 0) <= now - RECORD_EVERY_MS) {
      if (this.recorded.size > 10_000) this.recorded.clear();
      this.recorded.set(key, now);
      const path = request.url.split('?')[0];
      await this.accessLog.record(organizationId, 'ip-refused', { ip: metadata.ip ?? null, method: request.method, path }, metadata).catch((error: unknown) =>
        this.logger.warn({ err: error, organizationId }, 'could not record a request refused by the IP restrictions'),
      );
    }
  }

  private rangesOf(ranges: readonly string[]): Range[] {
    const key = ranges.join(',');
    let parsed = this.parsed.get(key);
    if (!parsed) {
      if (this.parsed.size > 1_000) this.parsed.clear();
      parsed = ranges.map((r) => ipaddr.parseCIDR(r));
      this.parsed.set(key, parsed);
    }
    return parsed;
  }
}
