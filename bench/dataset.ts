import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

/** A small, fast, seeded generator (mulberry32): the same seed gives the same data set. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ada', 'Ben', 'Cleo', 'Dov', 'Ema', 'Finn', 'Gus', 'Hana', 'Ivo', 'June', 'Kai', 'Lena', 'Milo', 'Nia', 'Otto', 'Pia', 'Quin', 'Rosa', 'Sami', 'Tova'];
const LAST_ROOTS = ['anders', 'bineshi', 'carter', 'delgado', 'eriksen', 'fontaine', 'garcia', 'hakala', 'ishikawa', 'jovanovic', 'kowalski', 'lindqvist', 'moreau', 'nakamura', 'okafor', 'petrov', 'quispe', 'rasmussen', 'silva', 'tanaka'];

/** A last name from a pool of 20 x 500 = 10,000: a search for one matches a few dozen of 100,000 members. */
export function lastName(random: () => number): string {
  const root = LAST_ROOTS[Math.floor(random() * LAST_ROOTS.length)];
  const suffix = Math.floor(random() * 500).toString(36);
  return `${root[0].toUpperCase()}${root.slice(1)}${suffix}`;
}

export interface Dataset {
  organizations: string[];
  events: number;
  searchTerms: string[];
}

/**
 * Writes an organization log straight into the SQLite event table (the adapter's own
 * schema, one transaction per 50,000 rows): `organizations` organizations, each with
 * `membersPerOrganization` invited members. Returns the ids and search terms to query.
 */
export function generateMembershipLog(filename: string, options: { organizations: number; membersPerOrganization: number; seed: number }): Dataset {
  const random = seeded(options.seed);
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, stream_name TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
    UNIQUE (stream_name, revision), UNIQUE (stream_name, event_id))`);
  const insert = db.prepare('INSERT INTO events (stream_name, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const at = '2026-11-01T09:00:00.000Z';
  const metadata = (organizationId: string) =>
    JSON.stringify({ schemaVersion: 1, actorId: 'bench', actorKind: 'system', actorRoles: ['system'], organizationId, correlationId: 'bench', causationId: 'bench', occurredAt: at });
  const rows: unknown[][] = [];
  const flush = db.transaction((batch: unknown[][]) => {
    for (const row of batch) insert.run(...row);
  });
  const organizations: string[] = [];
  const searchTerms = new Set<string>();
  let events = 0;
  for (let o = 0; o < options.organizations; o++) {
    const organizationId = randomUUIDFrom(random);
    organizations.push(organizationId);
    const stream = `organization-${organizationId}`;
    rows.push([stream, 0, randomUUIDFrom(random), 'OrganizationCreated', JSON.stringify({ organizationId, name: `Bench School ${o}`, description: null, timeZone: 'UTC', createdAt: at }), metadata(organizationId), at]);
    for (let m = 0; m < options.membersPerOrganization; m++) {
      const userId = randomUUIDFrom(random);
      const first = FIRST[Math.floor(random() * FIRST.length)];
      const last = lastName(random);
      if (searchTerms.size < 200 && random() < 0.01) searchTerms.add(last.slice(0, 6).toLowerCase());
      const data = {
        organizationId,
        userId,
        email: `${first.toLowerCase()}.${last.toLowerCase()}.${o}.${m}@bench.test`,
        firstName: first,
        lastName: last,
        roles: random() < 0.1 ? ['admin', 'instructor'] : ['instructor'],
        setupTokenHash: userId.replace(/-/g, '').padEnd(64, '0'),
        setupTokenCiphertext: 'v1.bench',
        setupExpiresAt: '2026-11-08T09:00:00.000Z',
      };
      rows.push([stream, m + 1, randomUUIDFrom(random), 'UserInvited', JSON.stringify(data), metadata(organizationId), at]);
      if (rows.length >= 50_000) {
        flush(rows.splice(0));
      }
    }
  }
  flush(rows.splice(0));
  events = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  return { organizations, events, searchTerms: [...searchTerms] };
}

function randomUUIDFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export { randomUUID };
