import { resolve } from 'node:path';

/**
 * Every setting the service reads, in one place, parsed once at boot. The README's
 * environment table mirrors this file.
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  eventStoreConnectionString: string | null;
  mongodbUri: string | null;
  mongodbDb: string;
  sqliteSynchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /**
   * Compete for the processors' lease and run the projector, audit log and setup mail in
   * this process while holding it (default: true without MONGODB_URI). False for API
   * replicas beside a projector process (see "Running more than one process").
   */
  runProjector: boolean;
  /** Commands answer only after their events are projected (embedded default). */
  waitForProjectionOnWrite: boolean;
  /**
   * Whether a POST or PUT of xAPI statements also waits for the read models (where the
   * projector runs in this process). Off by default: an LRS answers once the statements are
   * durable and says how far its reads are consistent in X-Experience-API-Consistent-Through.
   */
  xapiWaitForProjection: boolean;
  readYourWritesTimeoutMs: number;
  /**
   * A log processor (projector, audit log, mail) that is reconnecting or failing and has
   * handled nothing for this long makes the process exit non-zero, for the orchestrator
   * to restart it (PROCESSOR_STALL_EXIT_SECONDS, default 300; 0 turns it off).
   */
  processorStallExitMs: number;
  /**
   * The processors' lease (LEASE_TTL_SECONDS, default 10): how long a holder that stops
   * renewing keeps it, so how soon a standby on another host takes over.
   */
  leaseTtlMs: number;
  /**
   * The most bytes of events one append carries (APPEND_MAX_BYTES, default 512 KiB): a
   * burst of commands on one stream is appended in parts below it, under EventStoreDB's
   * maximum append size (1 MiB by default).
   */
  appendMaxBytes: number;
  superAdminEmail: string | null;
  superAdminPassword: string | null;
  bootstrapLinkTtlHours: number;
  /** Lifetime of an invitation's setup link (default 7 days). */
  setupTokenTtlHours: number;
  /** An external admin UI's setup page; the mail links there instead of /setup. */
  setupUrl: string | null;
  /** DNS servers for domain verification (`DNS_SERVERS`, `ip` or `ip:port`, comma separated); the system's when unset. */
  dnsServers: string[] | null;
  /** SMTP server for setup mail; without it mail is written to DATA_DIR/outbox. */
  smtpUrl: string | null;
  mailFrom: string;
  /** 32-byte key (base64 or hex) sealing secrets a reactor reads back; required with MONGODB_URI. */
  secretsKey: string | null;
  /** Super admins' sessions: absolute and idle timeouts (members follow their organization's policy). */
  sessionTtlHours: number;
  sessionIdleMinutes: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginFailureWindowMinutes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimit: string;
  /** Whether the scheduled day closing runs on its own (tests that drive it with their own clock turn it off). */
  closeLearningDays: boolean;
  /** Trust `X-Forwarded-For` for the client's address (behind a reverse proxy only): events record it and IP restrictions judge it. */
  trustProxy: boolean;
  corsOrigins: string[];
  /**
   * Where SSO sign-ins may return to (SSO_RETURN_TO_ALLOWLIST, comma separated): an
   * admin UI's URL, matched by origin and path prefix. Defaults to PUBLIC_URL and CORS_ORIGINS.
   */
  ssoReturnToAllowlist: string[];
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const found = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!found) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return found;
}

const list = (value: string | undefined): string[] => (value || '').split(',').map((o) => o.trim()).filter(Boolean);

const blankToNull = (value: string | undefined): string | null => (value && value.trim() !== '' ? value.trim() : null);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = integer(env, 'PORT', 3000);
  const eventStoreConnectionString = blankToNull(env.EVENTSTORE_CONNECTION_STRING);
  const mongodbUri = blankToNull(env.MONGODB_URI);
  const embedded = !mongodbUri;
  const runProjectorRaw = blankToNull(env.RUN_PROJECTOR);
  const runProjector = runProjectorRaw === null ? embedded : runProjectorRaw === 'true';
  const superAdminEmail = blankToNull(env.SUPERADMIN_EMAIL);
  const superAdminPassword = env.SUPERADMIN_PASSWORD && env.SUPERADMIN_PASSWORD !== '' ? env.SUPERADMIN_PASSWORD : null;
  if ((superAdminEmail === null) !== (superAdminPassword === null))
    throw new ConfigError('SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD must be set together');
  if (!embedded && !blankToNull(env.SECRETS_KEY))
    throw new ConfigError('With MONGODB_URI, set SECRETS_KEY (32 bytes, base64 or hex) so every process can open sealed setup tokens');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const corsOrigins = list(env.CORS_ORIGINS);
  const ssoReturnTo = list(env.SSO_RETURN_TO_ALLOWLIST);
  for (const entry of ssoReturnTo)
    if (!URL.canParse(entry) || !/^https?:$/.test(new URL(entry).protocol)) throw new ConfigError(`SSO_RETURN_TO_ALLOWLIST entries must be http(s) URLs, got "${entry}"`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    publicUrl,
    eventStoreConnectionString,
    mongodbUri,
    mongodbDb: env.MONGODB_DB || 'organization_service',
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const, 'FULL'),
    runProjector,
    waitForProjectionOnWrite: runProjector,
    xapiWaitForProjection: runProjector && oneOf(env, 'XAPI_READ_YOUR_WRITES', ['true', 'false'] as const, 'false') === 'true',
    readYourWritesTimeoutMs: integer(env, 'READ_YOUR_WRITES_TIMEOUT_MS', 5000, 1),
    processorStallExitMs: integer(env, 'PROCESSOR_STALL_EXIT_SECONDS', 300) * 1000,
    leaseTtlMs: integer(env, 'LEASE_TTL_SECONDS', 10, 2) * 1000,
    appendMaxBytes: integer(env, 'APPEND_MAX_BYTES', 512 * 1024, 1024),
    superAdminEmail,
    superAdminPassword,
    bootstrapLinkTtlHours: integer(env, 'BOOTSTRAP_LINK_TTL_HOURS', 24, 1),
    setupTokenTtlHours: integer(env, 'SETUP_TOKEN_TTL_HOURS', 7 * 24, 1),
    setupUrl: blankToNull(env.SETUP_URL),
    dnsServers: blankToNull(env.DNS_SERVERS)?.split(',').map((server) => server.trim()).filter(Boolean) ?? null,
    smtpUrl: blankToNull(env.SMTP_URL),
    mailFrom: env.MAIL_FROM || 'Organization service <no-reply@localhost>',
    secretsKey: blankToNull(env.SECRETS_KEY),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 12, 1),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1),
    loginMaxFailuresPerAccount: integer(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1),
    loginMaxFailuresPerIp: integer(env, 'LOGIN_MAX_FAILURES_PER_IP', 30, 1),
    loginFailureWindowMinutes: integer(env, 'LOGIN_FAILURE_WINDOW_MINUTES', 15, 1),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimit: env.BODY_LIMIT || '100kb',
    closeLearningDays: oneOf(env, 'CLOSE_LEARNING_DAYS', ['true', 'false'] as const, 'true') === 'true',
    trustProxy: oneOf(env, 'TRUST_PROXY', ['true', 'false'] as const, 'false') === 'true',
    corsOrigins,
    ssoReturnToAllowlist: ssoReturnTo.length ? ssoReturnTo : [publicUrl, ...corsOrigins],
  };
}
