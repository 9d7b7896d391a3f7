import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The time zone picker and canonical zone ids (issue 22; language-school guide, "Time
 * Zone": "Search by city, region, or time zone name").
 */
let t: TestApp;
let root: string;
const http = () => t.http();
const search = (text?: string) => http().get('/time-zones').query(text === undefined ? {} : { search: text }).set('Authorization', root);

beforeAll(async () => {
  t = await startTestApp();
  root = await t.login();
});
afterAll(async () => {
  await t?.close();
});

describe('The time zone picker', () => {
  test('"chicago" finds Central Time first, with its cities, country, offset and abbreviation now', async () => {
    const found = await search('chicago');
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({ id: 'America/Chicago', name: 'Central Time', countryName: 'United States', countryCode: 'US', mainCities: expect.arrayContaining(['Chicago', 'Houston']) });
    // Its offset now, by the runtime's rules: -06:00 (CST) in winter, -05:00 (CDT) in summer.
    const { currentOffset, abbreviation } = found.body.items[0];
    expect([['-06:00', 'CST'], ['-05:00', 'CDT']]).toContainEqual([currentOffset, abbreviation]);
  });

  test('accents and case do not matter; a name, a region and UTC behave as a person expects; nonsense finds nothing', async () => {
    const withAccent = (await search('são paulo')).body.items.map((z: { id: string }) => z.id);
    const without = (await search('SAO PAULO')).body.items.map((z: { id: string }) => z.id);
    expect(withAccent[0]).toBe('America/Sao_Paulo');
    expect(without).toEqual(withAccent);
    expect((await search('central')).body.items[0]).toMatchObject({ id: 'America/Chicago', name: 'Central Time' });
    expect((await search('utc')).body.items[0]).toMatchObject({ id: 'UTC', currentOffset: '+00:00' });
    expect((await search('ojibwe country')).body).toMatchObject({ items: [], total: 0 });
    // By country, and by an alias's name.
    expect((await search('japan')).body.items.map((z: { id: string }) => z.id)).toEqual(['Asia/Tokyo']);
    expect((await search('us/central')).body.items[0].id).toBe('America/Chicago');
  });

  test('an exact city comes before cities it begins: "paris" is Paris, not a city named after it', async () => {
    expect((await search('paris')).body.items[0].id).toBe('Europe/Paris');
    expect((await search('london')).body.items[0].id).toBe('Europe/London');
  });

  test('paged like every list; cacheable by its ETag', async () => {
    const all = await search();
    expect(all.body.total).toBeGreaterThan(300);
    expect(all.body.items).toHaveLength(25);
    const again = await http().get('/time-zones').set({ Authorization: root, 'If-None-Match': all.headers.etag });
    expect(again.status).toBe(304);
    expect((await http().get('/time-zones').query({ pageSize: 7 }).set('Authorization', root)).status).toBe(400);
  });
});

describe('Canonical zone ids', () => {
  test('a link or alias is stored as its canonical IANA zone; an unknown name is refused', async () => {
    const created = await http().post('/organizations').set('Authorization', root).send({ name: 'Alias Academy', timeZone: 'US/Central' });
    expect(created.status).toBe(201);
    expect((await http().get(`/organizations/${created.body.id}`).set('Authorization', root)).body.timeZone).toBe('America/Chicago');
    // ICU would say Asia/Calcutta and Europe/Kiev: IANA's names are Asia/Kolkata and Europe/Kyiv.
    expect((await http().patch(`/organizations/${created.body.id}`).set('Authorization', root).send({ timeZone: 'Asia/Calcutta' })).status).toBe(200);
    expect((await http().get(`/organizations/${created.body.id}`).set('Authorization', root)).body.timeZone).toBe('Asia/Kolkata');
    expect((await http().patch(`/organizations/${created.body.id}`).set('Authorization', root).send({ timeZone: 'europe/kiev' })).status).toBe(200);
    expect((await http().get(`/organizations/${created.body.id}`).set('Authorization', root)).body.timeZone).toBe('Europe/Kyiv');
    // A real zone of its own stays itself, though it shares Chicago's rules today.
    expect((await http().patch(`/organizations/${created.body.id}`).set('Authorization', root).send({ timeZone: 'America/Indiana/Knox' })).status).toBe(200);
    expect((await http().get(`/organizations/${created.body.id}`).set('Authorization', root)).body.timeZone).toBe('America/Indiana/Knox');
    const refused = await http().post('/organizations').set('Authorization', root).send({ name: 'Nowhere Academy', timeZone: 'Ojibwe/Country' });
    expect([refused.status, refused.body.errors?.[0]?.field]).toEqual([400, 'timeZone']);
  });
});
