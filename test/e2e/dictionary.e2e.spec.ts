import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { PurgeOrganizationsJob } from '../../apps/command-api/src/organizations/deleting-organization/purge-organizations.job.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The translation dictionary (organization-management guide, Organization Details:
 * "Translations → Manage translation dictionary"; Language Management: usage and status;
 * issue 18), over HTTP: the guide's steps, who may do what, the file both ways, and how
 * the dictionary and classes keep a language in use.
 */
let t: TestApp;
let root: string;
let orgId: string;
let admin: string;
let instructor: string;
let instructorId: string;
const PASSWORD = 'dictionary-password-1';
const http = () => t.http();
const ids: Record<string, string> = {};

const language = async (id: string, position?: number) => (await http().get(`/languages/${id}`).query(position ? { minPosition: position } : {}).set('Authorization', root)).body;
const dictionary = (query: Record<string, unknown> = {}, auth = admin) => http().get(`/organizations/${orgId}/dictionary`).query(query).set('Authorization', auth);
const addEntry = (body: Record<string, unknown>, auth = admin) => http().post(`/organizations/${orgId}/dictionary`).set('Authorization', auth).send(body);
const importFile = (csv: string, query: Record<string, unknown> = {}) =>
  http().post(`/organizations/${orgId}/dictionary/import`).query(query).set('Authorization', admin).set('Content-Type', 'text/csv').send(Buffer.from(csv));
const audit = async (type: string) => (await http().get(`/organizations/${orgId}/audit`).query({ type }).set('Authorization', admin)).body.items;

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' });
  root = await t.login();
  for (const [name, code, label] of [
    ['English', 'en', null],
    ['Ojibwe', 'oj', 'Pronunciation'],
    ['Cree', 'cr', null],
    ['Japanese', 'ja', 'Romaji'],
  ] as const) {
    const added = await http().post('/languages').set('Authorization', root).send({ name, code, supportsPronunciation: label !== null, ...(label ? { representationLabel: label } : {}) });
    ids[code] = added.body.id;
  }
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Ojibwe Language Institute', timeZone: 'America/Chicago' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@institute.test', roles: ['admin'] }, PASSWORD);
  instructorId = await inviteAndSetUp(t, root, orgId, { email: 'teacher@institute.test', roles: ['instructor'] }, PASSWORD);
  admin = await t.login('admin@institute.test', PASSWORD);
  instructor = await t.login('teacher@institute.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('The translation dictionary, as the guide walks it', () => {
  let hello: string;

  test('the organization teaches English (its default) and Ojibwe: each is in use once', async () => {
    const set = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ids.en, ids.oj] });
    expect(set.status).toBe(200);
    expect(await language(ids.oj, set.body.position)).toMatchObject({ usage: 1, status: 'in use' });
    expect(await language(ids.en)).toMatchObject({ usage: 1, status: 'in use' });
    expect((await audit('OrganizationLanguagesChanged'))[0].summary).toBe('Changed the languages taught: (none) → English (en), Ojibwe (oj)');
  });

  test('add a dictionary entry: the usage of its language goes up by one, the entry is listed, and the audit log records it', async () => {
    const added = await addEntry({ term: 'Hello', translation: 'Boozhoo', languageId: ids.oj, pronunciation: 'boo-zhoo' });
    expect(added.status).toBe(201);
    hello = added.body.id;
    expect(await language(ids.oj, added.body.position)).toMatchObject({ usage: 2, status: 'in use' });
    const list = await dictionary();
    expect(list.body.items).toEqual([
      { id: hello, term: 'Hello', translation: 'Boozhoo', languageId: ids.oj, pronunciation: 'boo-zhoo', createdAt: expect.any(String), updatedAt: expect.any(String), revision: 0 },
    ]);
    expect((await audit('DictionaryEntryAdded'))[0].summary).toBe('Added "Hello" → "Boozhoo" to the dictionary (boo-zhoo)');
  });

  test('the organization stops teaching Ojibwe: the entry alone keeps it in use (usage 1), and it cannot be removed', async () => {
    const stop = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ids.en] });
    expect(stop.status).toBe(200);
    expect(await language(ids.oj, stop.body.position)).toMatchObject({ usage: 1, status: 'in use' });
    const refused = await http().delete(`/languages/${ids.oj}`).set('Authorization', root);
    expect([refused.status, refused.body.code]).toEqual([409, 'language-in-use']);
    // An entry in a language no longer taught stays editable; a new one in it is refused.
    expect((await http().patch(`/organizations/${orgId}/dictionary/${hello}`).set('Authorization', admin).send({ translation: 'Aaniin' })).status).toBe(200);
    const notTaught = await addEntry({ term: 'Water', translation: 'Nibi', languageId: ids.oj });
    expect(notTaught.status).toBe(400);
    expect(notTaught.body.errors.map((e: { field: string }) => e.field)).toEqual(['languageId']);
    const back = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ids.en, ids.oj, ids.cr, ids.ja] });
    expect(back.status).toBe(200);
  });

  test('turning Ojibwe pronunciation off is refused while an entry carries it, with the count; once cleared, allowed', async () => {
    const refused = await http().patch(`/languages/${ids.oj}`).set('Authorization', root).send({ supportsPronunciation: false });
    expect([refused.status, refused.body.code, refused.body.entries]).toEqual([409, 'language-pronunciation-in-use', 1]);
    expect(refused.body.detail).toBe('1 dictionary entry carries Pronunciation text in this language; remove it from them first');
    const cleared = await http().patch(`/organizations/${orgId}/dictionary/${hello}`).set('Authorization', admin).send({ pronunciation: null });
    expect(cleared.status).toBe(200);
    const edits = await audit('DictionaryEntryEdited');
    expect(edits[0].changes).toEqual([{ field: 'pronunciation', before: 'boo-zhoo', after: null }]);
    expect(edits[1].changes).toEqual([{ field: 'translation', before: 'Boozhoo', after: 'Aaniin' }]);
    const off = await http().patch(`/languages/${ids.oj}`).set('Authorization', root).send({ supportsPronunciation: false });
    expect(off.status).toBe(200);
    expect((await http().patch(`/languages/${ids.oj}`).set('Authorization', root).send({ supportsPronunciation: true, representationLabel: 'Pronunciation' })).status).toBe(200);
  });

  test('refused: pronunciation in a language without it, a term twice in one language, terms translated into the default, bad fields', async () => {
    const cree = await addEntry({ term: 'Hello', translation: 'Tânisi', languageId: ids.cr, pronunciation: 'tan-si' });
    expect([cree.status, cree.body.code]).toEqual([409, 'language-pronunciation-unsupported']);
    const twice = await addEntry({ term: 'HELLO', translation: 'Boozhoo', languageId: ids.oj });
    expect([twice.status, twice.body.code]).toEqual([409, 'dictionary-entry-exists']);
    const intoDefault = await addEntry({ term: 'Hello', translation: 'Hi', languageId: ids.en });
    expect(intoDefault.body.errors).toEqual([{ field: 'languageId', message: 'terms are in the default language; translate them into another language the organization teaches' }]);
    const bad = await addEntry({ term: ' ', translation: 'x'.repeat(201), languageId: ids.oj });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['term', 'translation']);
    // Nothing of the refusals is held: Cree is still unused by the dictionary (only the organization teaches it).
    expect((await language(ids.cr)).usage).toBe(1);
  });

  test('instructors read the dictionary and cannot change it; members of other organizations do not see it', async () => {
    expect((await dictionary({}, instructor)).body.total).toBe(1);
    expect((await addEntry({ term: 'Water', translation: 'Nibi', languageId: ids.oj }, instructor)).status).toBe(403);
    expect((await http().delete(`/organizations/${orgId}/dictionary/${hello}`).set('Authorization', instructor)).status).toBe(403);
  });
});

describe('The dictionary as a file', () => {
  const FILE = [
    'Term;Translation;Language;Pronunciation',
    'Water;Nibi;oj;ni-bi',
    'Water;水;Japanese;mizu',
    'Thank you;Miigwech;OJ;',
    '"Good morning; friends";"Mino gigizheb";oj;',
    'hello;Boozhoo;oj;boo-zhoo',
  ].join('\r\n');

  test('a dry run plans every row and changes nothing', async () => {
    const before = (await dictionary()).body.total;
    const dry = await importFile(FILE, { dryRun: 'true' });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, totals: { rows: 5, add: 4, update: 1, unchanged: 0, error: 0 }, errors: [], unknownColumns: [] });
    expect(dry.body.rows.map((r: { line: number; action: string }) => [r.line, r.action])).toEqual([
      [2, 'add'],
      [3, 'add'],
      [4, 'add'],
      [5, 'add'],
      [6, 'update'],
    ]);
    expect((await dictionary()).body.total).toBe(before);
  });

  test('a file with bad rows answers each error with its line, and is refused whole without dryRun: nothing half-imported', async () => {
    const bad = [FILE, 'Fire;Ishkode;Klingon;', ';Empty term;oj;', 'Water;Nibi again;oj;', 'Sun;Giizis;cr;giizis'].join('\r\n');
    const dry = await importFile(bad, { dryRun: 'true' });
    expect(dry.body.totals).toEqual({ rows: 9, add: 4, update: 1, unchanged: 0, error: 4 });
    expect(dry.body.errors).toEqual([
      { field: 'language', line: 7, message: 'line 7: no language has the code or name "Klingon"' },
      { field: 'term', line: 8, message: 'line 8: term is required' },
      { field: 'term', line: 9, message: 'line 9: the file translates this term into this language already, on line 2' },
      { field: 'pronunciation', line: 10, message: 'line 10: Cree has no pronunciation or romanization text; leave it empty' },
    ]);
    const before = await dictionary();
    const refused = await importFile(bad);
    expect([refused.status, refused.body.code]).toEqual([400, 'validation-failed']);
    expect(refused.body.errors).toHaveLength(4);
    expect((await dictionary()).body).toEqual(before.body);
  });

  test('a good file is imported in one go; the audit log has its summary; languages are counted', async () => {
    const jaBefore = (await language(ids.ja)).usage;
    const imported = await importFile(FILE, { fileName: 'words.csv' });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ dryRun: false, totals: { rows: 5, add: 4, update: 1, unchanged: 0, error: 0 } });
    const list = await dictionary({ minPosition: imported.body.position, pageSize: 10 });
    expect(list.body.items.map((e: { term: string; translation: string }) => `${e.term}=${e.translation}`)).toEqual([
      'Good morning; friends=Mino gigizheb',
      'hello=Boozhoo',
      'Thank you=Miigwech',
      'Water=Nibi', // one term in two languages: by translation
      'Water=水',
    ]);
    expect((await audit('DictionaryImported'))[0].summary).toBe('Imported a dictionary file "words.csv": 4 added, 1 updated, 0 unchanged');
    expect((await language(ids.ja, imported.body.position)).usage).toBe(jaBefore + 1);
    // The same file again changes nothing.
    const again = await importFile(FILE);
    expect(again.body.totals).toEqual({ rows: 5, add: 0, update: 0, unchanged: 5, error: 0 });
  });

  test('search by term or translation, filter by language, in pages', async () => {
    expect((await dictionary({ search: 'water' })).body.total).toBe(2);
    expect((await dictionary({ search: 'miig' })).body.items.map((e: { term: string }) => e.term)).toEqual(['Thank you']);
    expect((await dictionary({ languageId: ids.ja })).body.items.map((e: { translation: string }) => e.translation)).toEqual(['水']);
    const first = await dictionary({ pageSize: 10, page: 1 });
    expect(first.body.total).toBe(5);
    expect((await dictionary({ pageSize: 10, page: 2 })).body.items).toEqual([]);
  });

  test('the export is the import’s file: read back, it changes nothing', async () => {
    const exported = await http().get(`/organizations/${orgId}/dictionary/export`).set('Authorization', instructor);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    const rows = parse(exported.text, { columns: true }) as Record<string, string>[];
    expect(rows).toContainEqual({ term: 'Water', translation: '水', language: 'ja', pronunciation: 'mizu' });
    expect(rows).toHaveLength(5);
    const back = await importFile(exported.text);
    expect(back.body.totals).toEqual({ rows: 5, add: 0, update: 0, unchanged: 5, error: 0 });
  });
});

describe('Classes taught in a language', () => {
  test('a class taught in Cree counts as a use; the organization cannot drop Cree while the class is active', async () => {
    const before = (await language(ids.cr)).usage;
    const created = await http().post(`/organizations/${orgId}/classes`).set('Authorization', admin).send({ name: 'Cree I', instructorId, languageId: ids.cr });
    expect(created.status).toBe(201);
    expect((await language(ids.cr, created.body.position)).usage).toBe(before + 1);
    const klass = await http().get(`/organizations/${orgId}/classes/${created.body.id}`).set('Authorization', admin);
    expect(klass.body.languageId).toBe(ids.cr);
    const drop = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ids.en, ids.oj, ids.ja] });
    expect([drop.status, drop.body.code, drop.body.classes]).toEqual([409, 'language-taught-in-classes', [{ id: created.body.id, name: 'Cree I', languageId: ids.cr }]]);
    const notTaught = await http().post(`/organizations/${orgId}/classes`).set('Authorization', admin).send({ name: 'French I', instructorId, languageId: 'nope' });
    expect(notTaught.status).toBe(400);
    const audited = await audit('ClassCreated');
    expect(audited[0].summary).toBe('Created the class "Cree I" taught by M X <teacher@institute.test> in Cree (cr)');
  });
});

describe('Removing entries and the organization', () => {
  test('the last entry in a language gone, the dictionary no longer holds it', async () => {
    const ja = (await dictionary({ languageId: ids.ja })).body.items[0];
    const before = (await language(ids.ja)).usage;
    const removed = await http().delete(`/organizations/${orgId}/dictionary/${ja.id}`).set('Authorization', admin);
    expect(removed.status).toBe(200);
    expect((await language(ids.ja, removed.body.position)).usage).toBe(before - 1);
    // Japanese is still taught (usage 1); dropped, it can be removed: neither the dictionary nor a class holds it.
    const drop = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ids.en, ids.oj, ids.cr] });
    expect((await language(ids.ja, drop.body.position)).usage).toBe(0);
    expect((await http().delete(`/languages/${ids.ja}`).set('Authorization', root)).status).toBe(200);
  });

  test('a purged organization lets go of every language it held (its list, its dictionary, its library): each becomes unused and removable', async () => {
    // An activity of its library in Cree holds Cree too.
    await http().patch(`/organizations/${orgId}/settings`).set('Authorization', root).send({ allowances: { features: { activityAuthoring: true } } });
    await http().patch(`/organizations/${orgId}/settings`).set('Authorization', admin).send({ features: { activityAuthoring: true } });
    const activity = await http().post(`/organizations/${orgId}/activities`).set('Authorization', admin).send({ title: 'Cree songs', activityIri: 'https://institute.test/cree-songs', kind: 'private', languageId: ids.cr });
    expect(activity.status).toBe(201);
    expect((await language(ids.cr, activity.body.position)).usage).toBe(3); // taught, a class, the activity
    const name = 'Ojibwe Language Institute';
    expect((await http().post(`/organizations/${orgId}/deletion`).set('Authorization', root).send({ confirmName: name })).status).toBe(200);
    const refused = await http().delete(`/languages/${ids.oj}`).set('Authorization', root);
    expect(refused.status).toBe(409);
    const detail = (await http().get(`/organizations/${orgId}`).set('Authorization', root)).body;
    expect(await t.app.get(PurgeOrganizationsJob).purgeDue(new Date(Date.parse(detail.deletion.purgeAt)))).toBe(1);
    await t.infra.runner!.catchUp(15_000);
    for (const code of ['en', 'oj', 'cr']) expect(await language(ids[code])).toMatchObject({ usage: 0, status: 'unused' });
    expect((await http().delete(`/languages/${ids.oj}`).set('Authorization', root)).status).toBe(200);
    expect((await http().delete(`/languages/${ids.cr}`).set('Authorization', root)).status).toBe(200);
  });
});
