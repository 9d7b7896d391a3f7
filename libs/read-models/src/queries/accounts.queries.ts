import { normalizeEmail } from '#domain';
import type { ReadStore } from '../read-store.port.js';
import { ACCOUNTS, type AccountDocument } from '../projections/accounts.projection.js';

export async function findAccountByEmail(store: ReadStore, email: string): Promise<AccountDocument | null> {
  return store.collection<AccountDocument>(ACCOUNTS).findOne({ emailNormalized: normalizeEmail(email) });
}

export async function findAccountById(store: ReadStore, id: string): Promise<AccountDocument | null> {
  return store.collection<AccountDocument>(ACCOUNTS).findOne({ _id: id });
}
