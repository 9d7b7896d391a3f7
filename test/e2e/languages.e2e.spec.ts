import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Server } from 'node:http';
import { burst } from '../support/burst.js';
import { inviteAndSetUp } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Language Management (organization-management guide, Super Admin; issue 18), over HTTP,
 * step by step as the guide walks it, and a removal racing fifty first uses.
 */
let t: TestApp;
let root: string;
let orgId: string;
let admin: string;
const PASSWORD = 'languages-password-1';
const http = () => t.http();
const languages = (query: Record<string, unknown> = {}, auth = root) => http().get('/languages').query(query).set('Authorization', auth);
const add = (body: Record<string, unknown>, auth = root) => http().post('/languages').set('Authorization', auth).send(body);

/** During the race: the first append to the catalogue waits a little, and each append's size is kept (the racers' evidence). */
let racing = false;
const catalogueAppends: number[] = [];

beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '1000' }, undefined, {
    wrap: (stores) => {
      const store = stores.eventStore;
      const append = store.append.bind(store);
      store.append = async (streamName, events, options) => {
        if (racing && streamName === 'languages-catalogue') {
          if (catalogueAppends.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
          catalogueAppends.push(events.length);
        }
        return append(streamName, events, options);
      };
      return stores;
    },
  });
  root = await t.login();
  orgId = (await http().post('/organizations').set('Authorization', root).send({ name: 'Waadookodaading', timeZone: 'America/Chicago' })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@waadookodaading.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@waadookodaading.test', PASSWORD);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('Language Management, as the guide walks it', () => {
  let ojibwe: string;

  test('open Languages: empty at first, readable by everyone signed in, not by strangers', async () => {
    const list = await languages();
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], total: 0, page: 1, pageSize: 25 });
    expect((await languages({}, admin)).status).toBe(200);
    expect((await http().get('/languages')).status).toBe(401);
  });

  test('add Ojibwe, oj, with "Pronunciation": listed unused, and the platform audit log records it', async () => {
    const added = await add({ name: 'Ojibwe', code: 'oj', supportsPronunciation: true, representationLabel: 'Pronunciation' });
    expect(added.status).toBe(201);
    ojibwe = added.body.id;
    const list = await languages({ minPosition: added.body.position });
    expect(list.body.items).toEqual([{ id: ojibwe, name: 'Ojibwe', code: 'oj', supportsPronunciation: true, representationLabel: 'Pronunciation', usage: 0, status: 'unused', revision: 0 }]);
    const audit = await http().get('/platform/audit').query({ type: 'LanguageAdded' }).set('Authorization', root);
    expect(audit.body.items[0].summary).toBe('Added the language Ojibwe (oj), with Pronunciation text');
  });

  test('refused: a code that is not BCP 47, a code taken (any case), pronunciation without its label; an admin cannot add', async () => {
    const bad = await add({ name: 'English', code: 'english', supportsPronunciation: false });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'code', message: 'code must be a BCP 47 language tag with an ISO 639 language, such as oj, ja, haw or oj-Latn' }]);
    const taken = await add({ name: 'Ojibwe (again)', code: 'OJ', supportsPronunciation: false });
    expect([taken.status, taken.body.code]).toEqual([409, 'language-code-taken']);
    const label = await add({ name: 'Japanese', code: 'ja', supportsPronunciation: true });
    expect(label.body.errors.map((e: { field: string }) => e.field)).toEqual(['representationLabel']);
    expect((await add({ name: 'Hawaiian', code: 'haw', supportsPronunciation: false }, admin)).status).toBe(403);
  });

  test('the organization teaches it: usage 1 and "in use"; it cannot be removed, but it can be edited (with before and after)', async () => {
    const set = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ojibwe] });
    expect(set.status).toBe(200);
    const list = await languages({ minPosition: set.body.position });
    expect(list.body.items[0]).toMatchObject({ name: 'Ojibwe', usage: 1, status: 'in use' });
    expect((await http().get(`/organizations/${orgId}`).set('Authorization', admin)).body.languageIds).toEqual([ojibwe]);

    const refused = await http().delete(`/languages/${ojibwe}`).set('Authorization', root);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('language-in-use');

    const edited = await http().patch(`/languages/${ojibwe}`).set('Authorization', root).send({ name: 'Ojibwemowin' });
    expect(edited.status).toBe(200);
    const audit = await http().get('/platform/audit').query({ type: 'LanguageEdited' }).set('Authorization', root);
    expect(audit.body.items[0].changes).toEqual([{ field: 'name', before: 'Ojibwe', after: 'Ojibwemowin' }]);
  });

  test('remove an unused language: gone from the list; a language the organization stops teaching becomes removable', async () => {
    const hawaiian = await add({ name: 'Hawaiian', code: 'haw', supportsPronunciation: false });
    const removed = await http().delete(`/languages/${hawaiian.body.id}`).set('Authorization', root);
    expect(removed.status).toBe(200);
    const list = await languages({ search: 'haw', minPosition: removed.body.position });
    expect(list.body.total).toBe(0);

    const stop = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [] });
    expect((await languages({ minPosition: stop.body.position })).body.items[0]).toMatchObject({ usage: 0, status: 'unused' });
    expect((await http().delete(`/languages/${ojibwe}`).set('Authorization', root)).status).toBe(200);
    // A removed language cannot be taught any more.
    const gone = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [ojibwe] });
    expect([gone.status, gone.body.code]).toEqual([404, 'language-not-found']);
  });

  test('search by name or code, sort by name or usage, in pages', async () => {
    for (const [name, code] of [['Japanese', 'ja'], ['Cree', 'cr'], ['Dakota', 'dak']]) await add({ name, code, supportsPronunciation: code === 'ja', ...(code === 'ja' ? { representationLabel: 'Romaji' } : {}) });
    const dakota = (await languages({ search: 'dak' })).body.items[0];
    const taught = await http().put(`/organizations/${orgId}/languages`).set('Authorization', admin).send({ languageIds: [dakota.id] });
    const byName = await languages({ sort: 'name', minPosition: taught.body.position });
    expect(byName.body.items.map((l: { name: string }) => l.name)).toEqual(['Cree', 'Dakota', 'Japanese']);
    const byUsage = await languages({ sort: 'usage', pageSize: 10 });
    expect(byUsage.body.items[0].name).toBe('Dakota');
    expect((await languages({ pageSize: 10, page: 2 })).body.items).toEqual([]);
  });
});

describe('A removal racing fifty first uses', () => {
  test('no organization ever points at a removed language: either the removal wins and every use is refused, or it is refused', async () => {
    const language = (await add({ name: 'Anishinaabemowin', code: 'oj-Latn', supportsPronunciation: false })).body.id as string;
    const orgs: string[] = [];
    for (let i = 0; i < 50; i++) orgs.push((await http().post('/organizations').set('Authorization', root).send({ name: `Racer School ${i}`, timeZone: 'UTC' })).body.id);
    const server = t.app.getHttpServer() as Server;
    const uses = orgs.map((org) => ({ method: 'PUT', path: `/organizations/${org}/languages`, headers: { Authorization: root }, body: { languageIds: [language] } }));
    const removal = { method: 'DELETE', path: `/languages/${language}`, headers: { Authorization: root } };
    // The removal in the middle of the uses, all written in one tick.
    racing = true;
    const answers = await burst(server, [...uses.slice(0, 25), removal, ...uses.slice(25)]).finally(() => (racing = false));
    const removed = answers[25];
    const useAnswers = [...answers.slice(0, 25), ...answers.slice(26)];
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const succeeded = useAnswers.filter((a) => a.status === 200);
    if (removed.status === 200) {
      // The removal came first: every use after it was refused, and no organization has the language.
      expect(useAnswers.every((a) => a.status === 200 || (a.status === 404 && a.body.code === 'language-not-found'))).toBe(true);
    } else {
      expect(removed.body.code).toBe('language-in-use');
    }
    // The invariant, read from the log: the organizations that teach it exist only if the language does.
    await t.infra.runner!.catchUp(15_000);
    const teaching = [];
    for (const org of orgs) if ((await http().get(`/organizations/${org}`).set('Authorization', root)).body.languageIds.includes(language)) teaching.push(org);
    expect(teaching).toHaveLength(succeeded.length);
    const stillThere = (await http().get(`/languages/${language}`).set('Authorization', root)).status === 200;
    if (!stillThere) expect(teaching).toEqual([]);
    else expect((await http().get(`/languages/${language}`).set('Authorization', root)).body.usage).toBe(teaching.length);
    // The racers raced: while the first append to the catalogue waited, the other commands
    // queued up and were decided together, so some append carried several decisions
    // (requests handled one after another would each append alone).
    expect(Math.max(...catalogueAppends)).toBeGreaterThan(1);
  }, 60_000);
});
