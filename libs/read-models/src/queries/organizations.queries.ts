import { DEFAULT_ALLOWANCES, DEFAULT_SETTINGS, effectiveFeatures, settingsWarnings, type FeatureFlags, type OrganizationSettings, type SettingsAllowances } from '#domain';
import type { ReadStore } from '../read-store.port.js';
import { escapeRegex } from '../read-store.port.js';
import { ORGANIZATIONS, type OrganizationDocument } from '../projections/organizations.projection.js';
import { SLUGS, type SlugDocument } from '../projections/slugs.projection.js';

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface OrganizationListItem {
  id: string;
  name: string;
  /** Null for organizations from before slugs, until an admin chooses one. */
  slug: string | null;
  description: string | null;
  inArrearsAt: string | null;
  /** Set while a deletion waits: the organization is suspended and restorable until `purgeAt`. */
  deletion: { requestedAt: string; purgeAt: string } | null;
}

export interface OrganizationDetail extends OrganizationListItem {
  timeZone: string;
  /** The languages it teaches, its default first. */
  languageIds: string[];
  type: OrganizationDocument['type'];
  industry: string | null;
  website: string | null;
  primaryContact: OrganizationDocument['primaryContact'];
  billingContact: OrganizationDocument['billingContact'];
  logoUrl: string | null;
  userCount: number;
  classCount: number;
  sessionPolicy: { idleTimeoutMinutes: number; absoluteTimeoutHours: number };
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** The extension of a logo's public URL, by the type of its bytes. */
export const LOGO_EXTENSION: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/bmp': 'bmp', 'image/tiff': 'tiff' };

/** The public, content-addressed address of a logo (GET /logos/:sha256.:ext, no sign-in, cached for good). */
export const logoUrl = (logo: { sha256: string; contentType: string }): string => `/logos/${logo.sha256}.${LOGO_EXTENSION[logo.contentType] ?? 'img'}`;

const deletionOf = (d: OrganizationDocument) => (d.deletionRequestedAt && d.purgeAt ? { requestedAt: d.deletionRequestedAt, purgeAt: d.purgeAt } : null);

/** Which organization a slug leads to now: its own, or one it moved away from less than 90 days ago. */
export async function findBySlug(store: ReadStore, slug: string, now: number): Promise<{ organizationId: string; current: boolean } | null> {
  const doc = await store.collection<SlugDocument>(SLUGS).findOne({ _id: slug });
  if (!doc) return null;
  if (doc.redirectUntil !== null && Date.parse(doc.redirectUntil) <= now) return null;
  return { organizationId: doc.organizationId, current: doc.redirectUntil === null };
}

/** Organizations whose deletion is due for its purge (the purge job's list), oldest first. */
export async function organizationsDueForPurge(store: ReadStore, now: string, limit = 100): Promise<string[]> {
  const docs = await store.collection<OrganizationDocument>(ORGANIZATIONS).find({ purgeAt: { $lte: now } }, { sort: { purgeAt: 1 }, limit });
  return docs.map((d) => d._id);
}

export async function listOrganizations(
  store: ReadStore,
  query: { search?: string; page: number; pageSize: PageSize },
): Promise<Page<OrganizationListItem>> {
  const collection = store.collection<OrganizationDocument>(ORGANIZATIONS);
  const search = query.search?.trim();
  const filter = search ? { name: { $regex: escapeRegex(search), $options: 'i' } } : {};
  const { items: docs, total } = await collection.findPage(filter, { sort: { nameSort: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return {
    items: docs.map((d) => ({ id: d._id, name: d.name, slug: d.slug, description: d.description, inArrearsAt: d.inArrearsAt, deletion: deletionOf(d) })),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function getOrganization(store: ReadStore, id: string): Promise<OrganizationDetail | null> {
  const d = await store.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: id });
  if (!d) return null;
  return {
    id: d._id,
    name: d.name,
    slug: d.slug,
    description: d.description,
    deletion: deletionOf(d),
    timeZone: d.timeZone,
    languageIds: d.languageIds ?? [],
    type: d.type,
    industry: d.industry,
    website: d.website,
    primaryContact: d.primaryContact,
    billingContact: d.billingContact,
    // The hash in the URL changes with the logo, so browsers may cache it forever.
    logoUrl: d.logo ? logoUrl(d.logo) : null,
    inArrearsAt: d.inArrearsAt,
    userCount: d.userCount,
    classCount: d.classCount,
    sessionPolicy: d.sessionPolicy,
    revision: d.version,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export async function getOrganizationLogo(store: ReadStore, id: string): Promise<OrganizationDocument['logo'] | undefined> {
  const d = await store.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: id }, { projection: { logo: 1 } });
  return d ? d.logo : undefined;
}

/** An organization's settings as the settings routes answer them; the ETag is their own version. */
export interface OrganizationSettingsView extends OrganizationSettings {
  id: string;
  /** The super admin's allowances: the features the organization may turn on, and custom CSS. */
  allowances: SettingsAllowances;
  /** What works: on and allowed. */
  effectiveFeatures: FeatureFlags;
  /** Custom CSS as served: null unless a super admin allows it. */
  effectiveCustomCss: string | null;
  /** The session policy (PUT /organizations/{orgId}/session-policy changes it). */
  sessionPolicy: { idleTimeoutMinutes: number; absoluteTimeoutHours: number };
  /** Advice, not errors: brand colours white text is hard to read on. */
  warnings: { field: string; message: string }[];
  revision: number;
}

export async function getOrganizationSettings(store: ReadStore, id: string): Promise<OrganizationSettingsView | null> {
  const d = await store.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: id });
  if (!d) return null;
  return settingsView(d);
}

export function settingsView(d: OrganizationDocument): OrganizationSettingsView {
  const settings = d.settings ?? DEFAULT_SETTINGS;
  const allowances = d.allowances ?? DEFAULT_ALLOWANCES;
  return {
    id: d._id,
    ...settings,
    allowances,
    effectiveFeatures: effectiveFeatures(settings, allowances),
    effectiveCustomCss: allowances.customCss ? settings.branding.customCss : null,
    sessionPolicy: d.sessionPolicy,
    warnings: settingsWarnings(settings),
    revision: d.settingsVersion ?? 0,
  };
}

/** An organization's public card: what the directory and a slug show to anyone. */
export interface DirectoryEntry {
  slug: string;
  name: string;
  type: OrganizationDocument['type'];
  logoUrl: string | null;
}

const card = (d: OrganizationDocument): DirectoryEntry => ({ slug: d.slug!, name: d.name, type: d.type, logoUrl: d.logo ? logoUrl(d.logo) : null });

/** Public organizations (visibility `public`), by name, searched by name; none being deleted. */
export async function listDirectory(store: ReadStore, query: { search?: string; page: number; pageSize: PageSize }): Promise<Page<DirectoryEntry>> {
  const search = query.search?.trim();
  const filter: Record<string, unknown> = { 'settings.visibility': 'public', deletionRequestedAt: null, slug: { $ne: null } };
  if (search) filter.name = { $regex: escapeRegex(search), $options: 'i' };
  const { items, total } = await store.collection<OrganizationDocument>(ORGANIZATIONS).findPage(filter, { sort: { nameSort: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
  return { items: items.map(card), total, page: query.page, pageSize: query.pageSize };
}

/** The card of a public or hidden organization by its current slug; private ones are not found. */
export async function directoryEntryBySlug(store: ReadStore, slug: string, now: number): Promise<DirectoryEntry | null> {
  const found = await findBySlug(store, slug, now);
  if (!found) return null;
  const d = await store.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: found.organizationId });
  if (!d || d.deletionRequestedAt || !d.slug || (d.settings ?? DEFAULT_SETTINGS).visibility === 'private') return null;
  return card(d);
}
