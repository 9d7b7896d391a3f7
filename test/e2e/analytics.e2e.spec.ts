import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import xapiLibrary from '@xapi/xapi';
import { CloseLearningDaysJob } from '../../apps/command-api/src/analytics/closing-days/close-learning-days.job.js';
import { inviteAndSetUp, inviteAndSetUpPlatformAuditor } from '../support/members.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The reports (issue 19) for a generated school: teams, a class, assignments due on the
 * days of both DST changes of New York, and a few hundred statements fed through a real
 * xAPI client. Every figure is checked against values this test computes on its own from
 * the statements it sent: local dates with Intl's formatter (not the service's
 * arithmetic), and the rules as the README states them.
 */
const XAPI = xapiLibrary.default;
const ZONE = 'America/New_York';
const PASSWORD = 'analytics-password-1';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const ATTEMPTED = 'http://adlnet.gov/expapi/verbs/attempted';
const IRI = { a1: 'https://harbor.test/activities/tides', a2: 'https://harbor.test/activities/knots', a3: 'https://harbor.test/activities/charts', a4: 'https://harbor.test/activities/stars' };

let t: TestApp;
let root: string;
let admin: string;
let orgId: string;
const learners: { id: string; email: string; token?: string }[] = [];
const teams: Record<string, string> = {};
const departments: Record<string, string> = {};
const sent: { userId: string | null; timestamp: string; verb: string; iri: string; seconds: number; score: number | null }[] = [];
const http = () => t.http();
const as = (auth: string) => ({ Authorization: auth });

// ---- The test's own arithmetic ---------------------------------------------------------
const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const dateIn = (iso: string) => localDate.format(new Date(iso));
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const range = (from: string, to: string) => (d: string) => d >= from && d < to;
const counted = () => sent.filter((s) => s.userId !== null);
function expected(inPeriod: (date: string) => boolean) {
  const rows = counted().filter((s) => inPeriod(dateIn(s.timestamp)));
  const completions = rows.filter((s) => s.verb === COMPLETED);
  return { activeLearners: new Set(rows.map((s) => s.userId)).size, statements: rows.length, completions: completions.length, timeSpentSeconds: rows.reduce((sum, s) => sum + s.seconds, 0) };
}
/** Of the learners of an assignment, the share who completed its activity (at any time). */
const shareCompleted = (learnerIds: string[], iri: string) => learnerIds.filter((id) => counted().some((s) => s.userId === id && s.iri === iri && s.verb === COMPLETED)).length / learnerIds.length;
const change = (current: number, previous: number) => ({
  direction: current > previous ? 'up' : current < previous ? 'down' : 'unchanged',
  percent: previous === 0 ? (current === 0 ? 0 : null) : Math.round(((current - previous) / previous) * 1000) / 10,
  previous,
});

/** A seeded generator (mulberry32): the same school every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const dashboard = async (query: Record<string, string>) => {
  const answer = await http().get(`/organizations/${orgId}/analytics/dashboard`).query(query).set(as(admin));
  expect(answer.status).toBe(200);
  return answer.body;
};

beforeAll(async () => {
  t = await startTestApp({ CLOSE_LEARNING_DAYS: 'false', XAPI_READ_YOUR_WRITES: 'true', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  await t.app.listen(0, '127.0.0.1');
  const endpoint = `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/xapi/`;
  root = await t.login();
  orgId = (await http().post('/organizations').set(as(root)).send({ name: 'Harbor School', timeZone: ZONE })).body.id;
  await inviteAndSetUp(t, root, orgId, { email: 'admin@harbor.test', roles: ['admin'] }, PASSWORD);
  admin = await t.login('admin@harbor.test', PASSWORD);
  const teacher = await inviteAndSetUp(t, admin, orgId, { email: 'teacher@harbor.test', roles: ['instructor'] }, PASSWORD);
  for (let i = 0; i < 10; i++) {
    const email = `learner${i}@harbor.test`;
    learners.push({ id: await inviteAndSetUp(t, admin, orgId, { email, roles: ['member'], firstName: `L${i}` }, PASSWORD), email });
  }
  const lead = await inviteAndSetUp(t, admin, orgId, { email: 'lead@harbor.test', roles: ['member'] }, PASSWORD);
  // Seaside, with North Pier under it: Blue and Red in Seaside, Green in North Pier; Red shares a member with each.
  departments.seaside = (await http().post(`/organizations/${orgId}/departments`).set(as(admin)).send({ name: 'Seaside' })).body.id;
  departments.north = (await http().post(`/organizations/${orgId}/departments`).set(as(admin)).send({ name: 'North Pier', parentId: departments.seaside })).body.id;
  teams.blue = (await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: 'Blue', leaderIds: [lead], departmentId: departments.seaside })).body.id;
  teams.green = (await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: 'Green', departmentId: departments.north })).body.id;
  teams.red = (await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: 'Red', departmentId: departments.seaside })).body.id;
  await http().post(`/organizations/${orgId}/teams/${teams.red}/members`).set(as(admin)).send({ userIds: [learners[4].id, learners[5].id] });
  await http().post(`/organizations/${orgId}/teams/${teams.blue}/members`).set(as(admin)).send({ userIds: learners.slice(0, 5).map((l) => l.id) });
  await http().post(`/organizations/${orgId}/teams/${teams.green}/members`).set(as(admin)).send({ userIds: learners.slice(5).map((l) => l.id) });
  const classId = (await http().post(`/organizations/${orgId}/classes`).set(as(admin)).send({ name: 'Evening', instructorId: teacher })).body.id;
  await http().post(`/organizations/${orgId}/classes/${classId}/students`).set(as(admin)).send({ userIds: learners.slice(6).map((l) => l.id) });

  await http().patch(`/organizations/${orgId}/settings`).set(as(root)).send({ allowances: { features: { activityAuthoring: true } } });
  await http().patch(`/organizations/${orgId}/settings`).set(as(admin)).send({ features: { activityAuthoring: true } });
  const activity: Record<string, string> = {};
  for (const [key, iri] of Object.entries(IRI)) activity[key] = (await http().post(`/organizations/${orgId}/activities`).set(as(admin)).send({ title: key.toUpperCase(), activityIri: iri, kind: 'private' })).body.id;
  const assign = async (body: Record<string, unknown>) => expect((await http().post(`/organizations/${orgId}/assignments`).set(as(admin)).send(body)).status).toBe(201);
  // Due dates are in the future when assigned: on the 25-hour day of 2027 (Nov 7, clocks fall back at 2:00), at a
  // time the 23-hour day of 2027 skips (Mar 14, 2:30), and one in three days (the "next 7 days" figure).
  await assign({ activityId: activity.a1, target: { kind: 'team', teamId: teams.blue }, dueDate: '2027-11-07', dueTime: '09:00' });
  await assign({ activityId: activity.a2, target: { kind: 'class', classId }, dueDate: '2027-11-07', dueTime: '23:30' });
  await assign({ activityId: activity.a3, target: { kind: 'everyone' }, dueDate: '2027-11-14', dueTime: '12:00' });
  await assign({ activityId: activity.a4, target: { kind: 'team', teamId: teams.green }, dueDate: '2027-03-14', dueTime: '02:30' });
  await assign({ activityId: activity.a4, target: { kind: 'team', teamId: teams.blue }, dueDate: shift(dateIn(new Date().toISOString()), 3), dueTime: '12:00' });

  // Statements: each learner on random days from Oct 5 to Nov 7, and at the instants around both changes.
  const next = random(19);
  const edges = ['2026-03-08T04:30:00Z', '2026-03-09T03:30:00Z', '2026-03-09T04:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T04:30:00Z', '2026-11-02T05:00:00Z'];
  const iris = Object.values(IRI);
  const statements: Record<string, unknown>[] = [];
  const add = (learner: { id: string; email: string } | null, timestamp: string) => {
    const verb = next() < 0.45 ? COMPLETED : ATTEMPTED;
    const iri = iris[Math.floor(next() * iris.length)];
    const minutes = 1 + Math.floor(next() * 40);
    const score = next() < 0.7 ? Math.round(next() * 100) / 100 : null;
    sent.push({ userId: learner?.id ?? null, timestamp, verb, iri, seconds: minutes * 60, score });
    statements.push({
      actor: { objectType: 'Agent', mbox: `mailto:${learner?.email ?? 'guest@elsewhere.test'}` },
      verb: { id: verb },
      object: { objectType: 'Activity', id: iri },
      result: { duration: `PT${minutes}M`, ...(score === null ? {} : { score: { scaled: score } }) },
      timestamp,
    });
  };
  for (const learner of learners) {
    for (let k = 0; k < 18; k++) add(learner, new Date(Date.parse('2026-10-05T00:00:00Z') + Math.floor(next() * 33 * 86_400_000)).toISOString());
    add(learner, edges[Math.floor(next() * edges.length)]);
  }
  edges.forEach((edge, i) => add(learners[i], edge));
  add(null, '2026-11-01T12:00:00Z');
  const client = new XAPI({ endpoint, auth: XAPI.toBasicAuth(...(await credential())) });
  for (let i = 0; i < statements.length; i += 50) expect((await client.sendStatements({ statements: statements.slice(i, i + 50) as never })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

async function credential(name = 'Harbor player'): Promise<[string, string]> {
  const issued = await http().post(`/organizations/${orgId}/xapi/credentials`).set(as(admin)).send({ name });
  return [issued.body.key, issued.body.secret];
}

describe('the dashboard of a generated school', () => {
  test('a day (the 25-hour Nov 1): active learners, statements, completions, time, each against the day before', async () => {
    const body = await dashboard({ period: 'day', date: '2026-11-01' });
    const day = expected((d) => d === '2026-11-01');
    const before = expected((d) => d === '2026-10-31');
    expect(body.period).toEqual({ kind: 'day', key: 'd:2026-11-01', start: '2026-11-01', end: '2026-11-02', complete: true });
    expect(body.figures).toEqual({ ...day, averageCompletionRate: null, assignmentsDue: 0 });
    expect(body.changes.activeLearners).toEqual(change(day.activeLearners, before.activeLearners));
    expect(body.changes.statements).toEqual(change(day.statements, before.statements));
    expect(body.changes.completions).toEqual(change(day.completions, before.completions));
    expect(body.changes.timeSpentSeconds).toEqual(change(day.timeSpentSeconds, before.timeSpentSeconds));
    expect(body.assignmentsDueNext7Days).toBe(1);
  });

  test('the average completion rate of the assignments due in a period: Nov 7, 2027 (25 hours), and Mar 14, 2027 at a time the clocks skip', async () => {
    const body = await dashboard({ period: 'day', date: '2027-11-07' });
    // Due that day: Tides to Blue (learners 0–4), Knots to the Evening class (learners 6–9).
    const rate = Math.round(((shareCompleted(learners.slice(0, 5).map((l) => l.id), IRI.a1) + shareCompleted(learners.slice(6).map((l) => l.id), IRI.a2)) / 2) * 1000) / 10;
    expect([body.figures.assignmentsDue, body.figures.averageCompletionRate, body.period.complete]).toEqual([2, rate, false]);
    expect(body.changes.averageCompletionRate).toEqual(change(rate, 0));
    // Due at 02:30 on Mar 14, 2027, a time the clocks skip: still due that day (at 03:30 EDT), to Green.
    const march = await dashboard({ period: 'day', date: '2027-03-14' });
    const green = Math.round(shareCompleted(learners.slice(5).map((l) => l.id), IRI.a4) * 1000) / 10;
    expect([march.figures.assignmentsDue, march.figures.averageCompletionRate]).toEqual([1, green]);
    expect((await dashboard({ period: 'day', date: '2027-03-13' })).figures.assignmentsDue).toBe(0);
  });

  test('a week (Mon Oct 26 to Sun Nov 1) and a month, against the ones before; the 23-hour Mar 8, 2026 is one day', async () => {
    const week = await dashboard({ period: 'week', date: '2026-10-28' });
    expect([week.period.key, week.period.start, week.period.end]).toEqual(['w:2026-W44', '2026-10-26', '2026-11-02']);
    const w = expected(range('2026-10-26', '2026-11-02'));
    expect(week.figures).toMatchObject(w);
    expect(week.changes.activeLearners).toEqual(change(w.activeLearners, expected(range('2026-10-19', '2026-10-26')).activeLearners));
    const month = await dashboard({ period: 'month', date: '2026-10-15' });
    const m = expected(range('2026-10-01', '2026-11-01'));
    expect(month.figures).toMatchObject(m);
    expect(month.changes.statements).toEqual(change(m.statements, expected(range('2026-09-01', '2026-10-01')).statements));
    const march8 = await dashboard({ period: 'day', date: '2026-03-08' });
    expect(march8.figures).toMatchObject(expected((d) => d === '2026-03-08'));
    expect(march8.figures.statements).toBeGreaterThan(0);
  });

  test('engagement: daily active learners over 30 and 90 days; top content by completions', async () => {
    const body = await dashboard({ period: 'day', date: '2026-11-01' });
    const days = Array.from({ length: 90 }, (_, i) => shift('2026-11-01', i - 89));
    expect(body.engagement.last90Days).toEqual(days.map((date) => ({ date, activeLearners: expected((d) => d === date).activeLearners })));
    expect(body.engagement.last30Days).toEqual(body.engagement.last90Days.slice(-30));
    const week = await dashboard({ period: 'week', date: '2026-10-28' });
    const totals = new Map<string, number>();
    for (const s of counted()) if (s.verb === COMPLETED && range('2026-10-26', '2026-11-02')(dateIn(s.timestamp))) totals.set(s.iri, (totals.get(s.iri) ?? 0) + 1);
    const top = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    expect(week.topContent.map((c: { activityIri: string; completions: number }) => [c.activityIri, c.completions])).toEqual(top);
    expect(week.topContent[0].title).toBe(Object.entries(IRI).find(([, iri]) => iri === top[0][0])![0].toUpperCase());
  });
});

describe('closing the day', () => {
  const job = () => t.app.get(CloseLearningDaysJob);
  const closedDays = async () => (await t.infra.eventStore.readStream(`learning-days-${orgId}`)).map((e) => e.data as { date: string; activeLearners: number; statements: number });

  test('the 23-hour Mar 8 closes at its local midnight, not an hour before; the 25-hour Nov 1 likewise; each with its figures', async () => {
    await job().closeDue(new Date('2026-03-09T03:59:00Z')); // 23:59 EDT on Mar 8
    expect((await closedDays()).map((d) => d.date).at(-1)).toBe('2026-03-07');
    await job().closeDue(new Date('2026-03-09T04:00:30Z')); // 00:00:30 EDT on Mar 9
    const march = (await closedDays()).at(-1)!;
    expect(march).toMatchObject({ date: '2026-03-08', ...expected((d) => d === '2026-03-08') });
    await job().closeDue(new Date('2026-11-02T04:59:00Z')); // 23:59 EST on Nov 1
    expect((await closedDays()).map((d) => d.date).at(-1)).toBe('2026-10-31');
    await job().closeDue(new Date('2026-11-02T05:00:30Z')); // 00:00:30 EST on Nov 2
    expect((await closedDays()).at(-1)).toMatchObject({ date: '2026-11-01', ...expected((d) => d === '2026-11-01') });
  });

  test('caught up after downtime, day by day with none missed; a rerun closes nothing; a late statement leaves a closed day as closed', async () => {
    const dates = (await closedDays()).map((d) => d.date);
    const first = dates[0];
    expect(dates).toEqual(Array.from({ length: dates.length }, (_, i) => shift(first, i)));
    expect(first).toBe(counted().map((s) => dateIn(s.timestamp)).sort()[0]);
    expect(await job().closeDue(new Date('2026-11-02T05:05:00Z'))).toBe(0);
    expect((await closedDays()).length).toBe(dates.length);
    const before = (await dashboard({ period: 'day', date: '2026-11-01' })).figures;
    const statementsOf = async () => (await http().get(`/organizations/${orgId}/analytics/members/${learners[9].id}/progress`).set(as(admin))).body.statements;
    const counted9 = await statementsOf();
    const client = new XAPI({ endpoint: `${(await t.app.getUrl()).replace('[::1]', '127.0.0.1')}/xapi/`, auth: XAPI.toBasicAuth(...(await credential('Late player'))) });
    await client.sendStatement({ statement: { actor: { mbox: `mailto:${learners[9].email}` }, verb: { id: ATTEMPTED }, object: { id: IRI.a1 }, timestamp: '2026-11-01T15:00:00Z' } as never });
    sent.push({ userId: learners[9].id, timestamp: '2026-11-01T15:00:00Z', verb: ATTEMPTED, iri: IRI.a1, seconds: 0, score: null });
    // The late statement is in the reports (the member's progress counts it), not in the closed day.
    expect(await statementsOf()).toBe(counted9 + 1);
    expect((await dashboard({ period: 'day', date: '2026-11-01' })).figures).toEqual(before);
  });
});

describe('content usage from learning records', () => {
  test("each activity's learners who started it (any statement) and who completed it, beside those assigned", async () => {
    const list = (await http().get(`/organizations/${orgId}/activities`).query({ pageSize: 10 }).set(as(admin))).body.items;
    for (const [key, iri] of Object.entries(IRI)) {
      const about = counted().filter((s) => s.iri === iri);
      const item = list.find((a: { activityIri: string }) => a.activityIri === iri);
      expect({ key, started: item.usage.started, completed: item.usage.completed }).toEqual({
        key,
        started: new Set(about.map((s) => s.userId)).size,
        completed: new Set(about.filter((s) => s.verb === COMPLETED).map((s) => s.userId)).size,
      });
    }
  });
});

describe('member progress', () => {
  const progress = (userId: string, auth: string) => http().get(`/organizations/${orgId}/analytics/members/${userId}/progress`).set(as(auth));

  test("completion of what is assigned, time, mean score, last activity: computed from the member's statements", async () => {
    const learner = learners[1]; // Blue: assigned Tides and Stars (team) and Charts (everyone)
    const mine = counted().filter((s) => s.userId === learner.id);
    const scores = mine.filter((s) => s.score !== null).map((s) => s.score!);
    const completedIris = new Set(mine.filter((s) => s.verb === COMPLETED).map((s) => s.iri));
    const assigned = [IRI.a1, IRI.a3, IRI.a4];
    const body = (await progress(learner.id, admin)).body;
    expect(body).toEqual({
      userId: learner.id,
      assignedActivities: 3,
      completedAssigned: assigned.filter((iri) => completedIris.has(iri)).length,
      completionRate: Math.round((assigned.filter((iri) => completedIris.has(iri)).length / 3) * 1000) / 10,
      completedActivities: completedIris.size,
      statements: mine.length,
      timeSpentSeconds: mine.reduce((sum, s) => sum + s.seconds, 0),
      averageScaledScore: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 1000) / 1000 : null,
      lastActivityAt: new Date(Math.max(...mine.map((s) => Date.parse(s.timestamp)))).toISOString(),
    });
  });

  test("members read their own; the Blue team's leader reads Blue's, not Green's; the instructor reads the class's students", async () => {
    const own = await t.login(learners[2].email, PASSWORD);
    expect((await progress(learners[2].id, own)).status).toBe(200);
    expect((await progress(learners[3].id, own)).body.code).toBe('forbidden');
    const lead = await t.login('lead@harbor.test', PASSWORD);
    expect((await progress(learners[4].id, lead)).status).toBe(200);
    expect((await progress(learners[5].id, lead)).status).toBe(403);
    const teacher = await t.login('teacher@harbor.test', PASSWORD);
    expect((await progress(learners[7].id, teacher)).status).toBe(200);
    expect((await progress(learners[5].id, teacher)).status).toBe(403);
  });
});

describe('team and department reports', () => {
  const report = async (path: string, query: Record<string, string | number>) => {
    const answer = await http().get(`/organizations/${orgId}/analytics/${path}`).query(query).set(as(admin));
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const inWeek44 = range('2026-10-26', '2026-11-02');
  const unit = (memberIds: string[], inPeriod: (date: string) => boolean) => {
    const rows = counted().filter((s) => memberIds.includes(s.userId!) && inPeriod(dateIn(s.timestamp)));
    const completions = rows.filter((s) => s.verb === COMPLETED).length;
    return {
      members: memberIds.length,
      activeLearners: new Set(rows.map((s) => s.userId)).size,
      statements: rows.length,
      completions,
      timeSpentSeconds: rows.reduce((sum, s) => sum + s.seconds, 0),
      completionsPerMember: Math.round((completions / memberIds.length) * 100) / 100,
    };
  };
  const ids = (from: number, to: number) => learners.slice(from, to).map((l) => l.id);
  // Read when the tests run: the learners exist only after beforeAll.
  const teamMembers = () => ({ Blue: ids(0, 5), Green: ids(5, 10), Red: ids(4, 6) });

  test("each team's week, and where it stands against the organization's quartiles of completions per member", async () => {
    const body = await report('teams', { period: 'week', date: '2026-10-28' });
    const expectedTeams = Object.entries(teamMembers()).map(([name, memberIds]) => ({ name, figures: unit(memberIds, inWeek44) }));
    expect(body.teams.map((t: { name: string; figures: unknown }) => ({ name: t.name, figures: t.figures }))).toEqual(expectedTeams);
    // Quartiles of three values by linear interpolation: the middle one, and halfway to each neighbour.
    const [a, b, c] = expectedTeams.map((t) => t.figures.completionsPerMember).sort((x, y) => x - y);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    expect(body.quartiles).toEqual({ q1: r2(a + (b - a) / 2), median: b, q3: r2(b + (c - b) / 2) });
    for (const team of body.teams) {
      const v = team.figures.completionsPerMember;
      const position = v > body.quartiles.q3 ? 'top-quartile' : v < body.quartiles.q1 ? 'bottom-quartile' : v > b ? 'above-median' : v < b ? 'below-median' : 'median';
      expect(team.benchmark).toEqual({ position });
    }
  });

  test('departments roll up through sub-departments, each member counted once', async () => {
    const body = await report('departments', { period: 'week', date: '2026-10-28' });
    const byName = Object.fromEntries(body.departments.map((d: { name: string; figures: unknown }) => [d.name, d.figures]));
    expect(byName['North Pier']).toEqual(unit(teamMembers().Green, inWeek44));
    expect(byName.Seaside).toEqual(unit(ids(0, 10), inWeek44));
  });

  test("a team's weekly series", async () => {
    const body = await report(`teams/${teams.blue}/weekly`, { weeks: 3, date: '2026-11-01' });
    expect(body.weeks.map((w: { key: string }) => w.key)).toEqual(['w:2026-W42', 'w:2026-W43', 'w:2026-W44']);
    const weeks = [range('2026-10-12', '2026-10-19'), range('2026-10-19', '2026-10-26'), inWeek44];
    expect(body.weeks.map(({ members: m, activeLearners, statements, completions, timeSpentSeconds, completionsPerMember }: Record<string, unknown>) => ({ members: m, activeLearners, statements, completions, timeSpentSeconds, completionsPerMember }))).toEqual(
      weeks.map((w) => unit(teamMembers().Blue, w)),
    );
  });
});

describe('analysts, exports and the fact feed', () => {
  let analyst: string;
  let analystAuditor: string;
  const get = (path: string, auth: string, query: Record<string, string | number> = {}) => http().get(`/organizations/${orgId}/analytics/${path}`).query(query).set(as(auth));
  const PSEUDONYM = /^p_[A-Za-z0-9_-]{22}$/;

  beforeAll(async () => {
    await inviteAndSetUp(t, admin, orgId, { email: 'analyst@harbor.test', roles: ['analyst'] }, PASSWORD);
    await inviteAndSetUp(t, admin, orgId, { email: 'analyst-auditor@harbor.test', roles: ['analyst', 'auditor'] }, PASSWORD);
    analyst = await t.login('analyst@harbor.test', PASSWORD);
    analystAuditor = await t.login('analyst-auditor@harbor.test', PASSWORD);
  }, 30_000);

  test('an analyst reads every report with members under stable pseudonyms, never a name or an email; one who may also list members sees them', async () => {
    const first = await get('progress', analyst, { pageSize: 100 });
    expect(first.status).toBe(200);
    // Who learns: the ten learners, the Blue team's leader, the teacher and the admin (any role but the read-only ones); not the two analysts.
    expect(first.body.total).toBe(13);
    const keys = first.body.items.map((i: { learnerKey: string }) => i.learnerKey);
    expect(keys.every((k: string) => PSEUDONYM.test(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    const text = JSON.stringify(first.body);
    for (const l of learners) {
      expect(text).not.toContain(l.email);
      expect(text).not.toContain(l.id);
    }
    expect((await get('progress', analyst, { pageSize: 100 })).body.items.map((i: { learnerKey: string }) => i.learnerKey)).toEqual(keys);
    // The member route answers the same pseudonym for the member asked about.
    const one = (await get(`members/${learners[3].id}/progress`, analyst)).body;
    expect([one.userId, PSEUDONYM.test(one.learnerKey), keys.includes(one.learnerKey)]).toEqual([undefined, true, true]);
    const named = (await get('progress', analystAuditor, { pageSize: 100 })).body.items;
    expect(named.find((i: { userId: string }) => i.userId === learners[3].id)).toMatchObject({ email: learners[3].email, firstName: 'L3' });
    // Analysts read the dashboard and team reports; they change nothing and read no member list.
    expect((await get('dashboard', analyst, { period: 'day', date: '2026-11-01' })).status).toBe(200);
    expect((await get('teams', analyst)).status).toBe(200);
    expect((await http().get(`/organizations/${orgId}/users`).set(as(analyst))).status).toBe(403);
  });

  test('a platform analyst, granted by a super admin, reads every organization\'s reports under the same pseudonyms, and nothing else', async () => {
    await inviteAndSetUpPlatformAuditor(t, root, 'analyst@platform.test', PASSWORD, undefined, 'analyst');
    const platformAnalyst = await t.login('analyst@platform.test', PASSWORD);
    expect((await http().get('/auth/me').set(as(platformAnalyst))).body).toMatchObject({ isPlatformAnalyst: true, organizationId: null });
    // Which organizations there are, to choose from.
    expect((await http().get('/organizations').query({ search: 'Harbor' }).set(as(platformAnalyst))).body.items.map((o: { id: string }) => o.id)).toContain(orgId);
    const own = await get('progress', analyst, { pageSize: 100 });
    const theirs = await get('progress', platformAnalyst, { pageSize: 100 });
    expect(theirs.status).toBe(200);
    // The same rows, the same pseudonyms: a member's key does not depend on who reads.
    expect(theirs.body).toEqual(own.body);
    const text = JSON.stringify(theirs.body);
    for (const l of learners) expect(text).not.toContain(l.email);
    expect((await get(`members/${learners[3].id}/progress`, platformAnalyst)).body.learnerKey).toMatch(PSEUDONYM);
    expect((await get('dashboard', platformAnalyst, { period: 'day', date: '2026-11-01' })).body).toEqual((await get('dashboard', analyst, { period: 'day', date: '2026-11-01' })).body);
    expect((await get('facts', platformAnalyst, { limit: 3 })).body).toEqual((await get('facts', analyst, { limit: 3 })).body);
    // No member list, no audit trail, no change.
    for (const path of [`/organizations/${orgId}/users`, `/organizations/${orgId}/audit`, '/platform/audit', `/organizations/${orgId}`])
      expect([path, (await http().get(path).set(as(platformAnalyst))).status]).toEqual([path, 403]);
    expect((await http().post(`/organizations/${orgId}/teams`).set(as(platformAnalyst)).send({ name: 'Analysts' })).status).toBe(403);
    // Listed apart from the platform auditors, and removed like them: the session stops working.
    const listed = (await http().get('/platform/analysts').set(as(root))).body.items;
    expect(listed.map((a: { email: string }) => a.email)).toEqual(['analyst@platform.test']);
    expect((await http().get('/platform/auditors').set(as(root))).body.items.map((a: { email: string }) => a.email)).not.toContain('analyst@platform.test');
    expect((await http().delete(`/platform/auditors/${listed[0].id}`).set(as(root))).status).toBe(404);
    const removed = await http().delete(`/platform/analysts/${listed[0].id}`).set(as(root));
    expect(removed.status).toBe(200);
    await t.infra.runner!.catchUp(15_000);
    expect((await get('dashboard', platformAnalyst, { period: 'day', date: '2026-11-01' })).status).toBe(401);
  });

  test('exports: CSV with a header and formula-safe cells, NDJSON with one object per row, the same rows as JSON', async () => {
    await http().post(`/organizations/${orgId}/teams`).set(as(admin)).send({ name: '=HYPERLINK("http://evil.test")' });
    const json = (await get('teams', admin, { period: 'week', date: '2026-10-28' })).body.teams;
    const csv = await get('teams', admin, { period: 'week', date: '2026-10-28', format: 'csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('period,teamId,name,departmentId,members,activeLearners,statements,completions,timeSpentSeconds,completionsPerMember,organizationQ1,organizationMedian,organizationQ3,position');
    expect(lines).toHaveLength(json.length + 1);
    expect(lines.some((l: string) => l.includes(`"'=HYPERLINK(""http://evil.test"")"`))).toBe(true);
    const blue = json.find((t: { name: string }) => t.name === 'Blue');
    expect(lines.find((l: string) => l.includes(blue.teamId))).toContain(`,Blue,${departments.seaside},5,${blue.figures.activeLearners},${blue.figures.statements},${blue.figures.completions},`);
    const ndjson = await get('dashboard', admin, { period: 'day', date: '2026-11-01', format: 'ndjson' });
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const rows = ndjson.text.trim().split('\n').map((l: string) => JSON.parse(l));
    const day = (await get('dashboard', admin, { period: 'day', date: '2026-11-01' })).body;
    expect(rows.map((r: { figure: string }) => r.figure)).toEqual(['activeLearners', 'averageCompletionRate', 'statements', 'completions', 'timeSpentSeconds', 'assignmentsDue', 'assignmentsDueNext7Days']);
    expect(rows.find((r: { figure: string }) => r.figure === 'statements')).toEqual({ period: 'd:2026-11-01', previousPeriod: 'd:2026-10-31', figure: 'statements', value: day.figures.statements, ...day.changes.statements });
    const progressCsv = await get('progress', analyst, { format: 'csv' });
    expect(progressCsv.text.split('\r\n')[0]).toBe('learnerKey,completionRate,assignedActivities,completedAssigned,completedActivities,statements,timeSpentSeconds,averageScaledScore,lastActivityAt');
    for (const l of learners) expect(progressCsv.text).not.toContain(l.email);
  });

  test('the fact feed: every completion, score and assignment once, in order, resumable from any cursor', async () => {
    const pages: { facts: { cursor: number; type: string; learner?: string }[]; next: string; more: boolean }[] = [];
    let after = '0';
    for (;;) {
      const page = (await get('facts', analyst, { after, limit: 7 })).body;
      pages.push(page);
      // The same cursor gives the same page.
      expect((await get('facts', analyst, { after, limit: 7 })).body).toEqual(page);
      after = page.next;
      if (!page.more) break;
    }
    const facts = pages.flatMap((p) => p.facts);
    const byType = (type: string) => facts.filter((f) => f.type === type).length;
    expect(byType('completion')).toBe(counted().filter((s) => s.verb === COMPLETED).length);
    expect(byType('score')).toBe(counted().filter((s) => s.score !== null).length);
    expect(byType('assignment')).toBe(5);
    const cursors = facts.map((f) => f.cursor);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(facts.filter((f) => f.learner).every((f) => PSEUDONYM.test(f.learner!))).toBe(true);
    // Nothing after the last cursor, until something happens.
    expect((await get('facts', analyst, { after })).body).toEqual({ facts: [], next: after, more: false });
  });
});
