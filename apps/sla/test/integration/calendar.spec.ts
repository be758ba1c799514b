import { join } from 'node:path';
import { AppError, MetricsRegistry } from '@jsjb/platform';
import { createTestDatabase, startTestApp, type TestApp } from '@jsjb/testing';
import { AppModule, SERVICE } from '../../src/app.module';
import { parseSeed } from '../../src/calendar/calendar-data.domain';
import { datesOfYear, type ScheduleSpan } from '../../src/calendar/calendar.domain';
import { type CalendarCorrection, CalendarService } from '../../src/calendar/calendar.service';
import { type SlaConfig, slaConfigSchema } from '../../src/config';
import { PrismaService } from '../../src/database/prisma.service';
import seedFile from '../../src/generated/cn-calendar.json';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

const admin = { sub: 'admin-li', role: 'admin' as const };
const manager = { sub: 'manager-wang', role: 'manager' as const };
const bj = (local: string) => new Date(`${local}+08:00`);
const days = (value: number): ScheduleSpan => ({ unit: 'working-days', value });
const PACKAGED_YEARS = Object.keys(seedFile.years).map(Number);

function thrown(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** Another instance of the service on an existing database (a restart, or a second replica). */
function startInstance(databaseUrl: string, brokers: string): Promise<TestApp<SlaConfig>> {
  return startTestApp(
    {
      service: SERVICE,
      configSchema: slaConfigSchema,
      appModule: (config) => AppModule.forRoot(config),
      migrationsDir: join(__dirname, '../../prisma/migrations'),
    },
    { DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, OUTBOX_RELAY_ENABLED: 'false' },
  );
}

describe('working-day calendars', () => {
  let h: SlaHarness;
  let sut: CalendarService;
  let prisma: PrismaService;
  const corrections: CalendarCorrection[] = [];

  beforeAll(async () => {
    h = await startSlaHarness();
    sut = h.sut.app.get(CalendarService);
    prisma = h.prisma;
    sut.onCorrection(async (change) => {
      // runs after the commit: a query on another connection sees the change
      const overrides = await prisma.calendarOverride.count({ where: { calendarId: change.calendarId } });
      corrections.push({ ...change, dates: [...change.dates, `overrides=${overrides}`] });
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);
  beforeEach(() => {
    corrections.length = 0;
    h.clock.reset();
  });

  it('loads the packaged chinese-days years into the table at boot, with their source', async () => {
    const years = await prisma.calendarYear.findMany({
      where: { calendarId: 'cn' },
      orderBy: { year: 'asc' },
    });
    expect(years.map((y) => y.year)).toEqual(PACKAGED_YEARS);
    expect(years.every((y) => y.source === seedFile.source && y.loadedBy === 'seed')).toBe(true);
    expect(seedFile.source).toMatch(/^chinese-days@/);
    const res = await h.http('GET', '/calendars', manager);
    expect(res.status).toBe(200);
    const [cn] = res.body as unknown as {
      id: string;
      schedule: string;
      timeZone: string;
      years: { year: number; source: string }[];
    }[];
    expect(cn).toMatchObject({ id: 'cn', schedule: 'workdays:cn', timeZone: 'Asia/Shanghai' });
    expect(cn?.years.find((y) => y.year === 2026)?.source).toBe(seedFile.source);
    // the seed's changes were handed to the listeners at boot (none registered then) and marked
    expect(await prisma.calendarChange.count({ where: { action: 'seed', notifiedAt: null } })).toBe(0);
  });

  it('shows a year: holidays and the make-up Saturdays of Spring Festival 2026', async () => {
    const res = await h.http('GET', '/calendars/cn/years/2026', manager);
    expect(res.status).toBe(200);
    const dates = res.body.dates as { date: string; kind: string; name: string }[];
    expect(dates.filter((d) => d.kind === 'workday' && d.name === '春节').map((d) => d.date)).toEqual([
      '2026-02-14',
      '2026-02-28',
    ]);
    expect(dates.filter((d) => d.name === '国庆节' && d.kind === 'holiday')).toHaveLength(7);
    expect(res.body).toMatchObject({ year: 2026, source: seedFile.source, loadedBy: 'seed' });
    expect((await h.http('GET', '/calendars/cn/years/2031', manager)).body).toMatchObject({
      code: 'SLA.CALENDAR_YEAR_NOT_FOUND',
    });
  });

  it('computes deadlines from the table across Spring Festival and National Day 2026', () => {
    const workdays = sut.schedule('workdays:cn');
    expect(workdays.dueAt(bj('2026-02-13T10:00:00'), days(3))).toEqual(bj('2026-02-26T00:00:00'));
    expect(workdays.dueAt(bj('2026-02-27T16:00:00'), days(1))).toEqual(bj('2026-03-01T00:00:00'));
    expect(workdays.dueAt(bj('2026-09-30T09:00:00'), days(3))).toEqual(bj('2026-10-11T00:00:00'));
    expect(workdays.pointAt(bj('2026-02-13T10:00:00'), days(3), 0.75)).toEqual(bj('2026-02-25T02:30:00'));
    expect(workdays.elapsedMinutes(bj('2026-02-13T10:00:00'), bj('2026-02-24T10:00:00'))).toBe(2880);
    const allDay = sut.schedule('24x7');
    expect(allDay.dueAt(bj('2026-02-13T10:00:00'), { unit: 'minutes', value: 120 })).toEqual(
      bj('2026-02-13T12:00:00'),
    );
    expect(thrown(() => allDay.dueAt(bj('2026-02-13T10:00:00'), days(3)))).toMatchObject({
      code: 'SLA.SPAN_NOT_ON_SCHEDULE',
      status: 422,
    });
    expect(thrown(() => sut.schedule('workdays:mars'))).toMatchObject({
      code: 'SLA.UNKNOWN_SCHEDULE',
      status: 422,
    });
    expect(thrown(() => sut.schedule('weekdays'))).toMatchObject({ code: 'SLA.UNKNOWN_SCHEDULE' });
  });

  it('fails closed for a year that is not loaded: error, log and counter, no Monday–Friday guess', async () => {
    const metric = h.sut.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('sla_calendar_year_not_loaded_total');
    const count = async () =>
      (await metric?.get())?.values.find((v) => v.labels.calendar === 'cn' && v.labels.year === '2027')
        ?.value ?? 0;
    const before = await count();
    const workdays = sut.schedule('workdays:cn');
    const error = thrown(() => workdays.dueAt(bj('2026-12-30T10:00:00'), days(3)));
    expect(error).toMatchObject({
      code: 'SLA.CALENDAR_YEAR_NOT_LOADED',
      status: 503,
      calendarId: 'cn',
      year: 2027,
    });
    expect(
      thrown(() => workdays.elapsedMinutes(bj('2026-12-31T10:00:00'), bj('2027-01-05T10:00:00'))).code,
    ).toBe('SLA.CALENDAR_YEAR_NOT_LOADED');
    expect(await count()).toBe(before + 2);
    expect(thrown(() => workdays.dueAt(bj('2099-03-02T10:00:00'), days(1))).code).toBe(
      'SLA.CALENDAR_YEAR_NOT_LOADED',
    );
  });

  it('warns on coverage in December when next year is missing', async () => {
    h.clock.setFixed(bj('2026-12-05T10:00:00'));
    const res = await h.http('GET', '/calendars/cn/coverage', manager);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      currentYear: 2026,
      currentYearLoaded: true,
      nextYear: 2027,
      nextYearLoaded: false,
    });
    expect(res.body.warning).toMatch(/2027 is not loaded/);
    h.clock.setFixed(bj('2026-06-05T10:00:00'));
    expect((await h.http('GET', '/calendars/cn/coverage', manager)).body.warning).toBeNull();
  });

  it('a local override changes the due date and reaches the listeners after it committed; removing it too', async () => {
    const workdays = sut.schedule('workdays:cn');
    const start = bj('2026-02-13T10:00:00');
    expect(
      (await h.http('PUT', '/calendars/cn/overrides/2026-02-24', manager, { kind: 'holiday', reason: 'x' }))
        .status,
    ).toBe(403);

    const set = await h.http('PUT', '/calendars/cn/overrides/2026-02-24', admin, {
      kind: 'holiday',
      reason: '市政府通知：春节假期延长一天',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      date: '2026-02-24',
      kind: 'holiday',
      createdBy: 'admin-li',
      changedDates: ['2026-02-24'],
      recomputed: true,
    });
    expect(corrections).toEqual([{ calendarId: 'cn', dates: ['2026-02-24', 'overrides=1'] }]);
    // 1 = 02-14, 02-24 now off, 2 = 02-25, 3 = 02-26
    expect(workdays.dueAt(start, days(3))).toEqual(bj('2026-02-27T00:00:00'));

    // marking a working day a working day changes nothing: recorded, no listener call
    const same = await h.http('PUT', '/calendars/cn/overrides/2026-03-03', admin, {
      kind: 'workday',
      reason: '确认上班',
    });
    expect(same.body).toMatchObject({ changedDates: [], recomputed: true });
    expect(corrections).toHaveLength(1);

    corrections.length = 0;
    const removed = await h.http(
      'DELETE',
      '/calendars/cn/overrides/2026-02-24?reason=%E9%80%9A%E7%9F%A5%E6%92%A4%E5%9B%9E',
      admin,
    );
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ changedDates: ['2026-02-24'], removed: { kind: 'holiday' } });
    expect(corrections).toEqual([{ calendarId: 'cn', dates: ['2026-02-24', 'overrides=1'] }]); // 03-03 remains
    expect(workdays.dueAt(start, days(3))).toEqual(bj('2026-02-26T00:00:00'));
    expect(
      (await h.http('DELETE', '/calendars/cn/overrides/2026-02-24?reason=again', admin)).body,
    ).toMatchObject({
      code: 'SLA.OVERRIDE_NOT_FOUND',
    });
    await h.http('DELETE', '/calendars/cn/overrides/2026-03-03?reason=cleanup', admin);

    const audit = await h.http('GET', '/calendars/cn/changes?limit=3', manager);
    const entries = audit.body as unknown as {
      action: string;
      actor: string;
      date: string;
      detail: { reason: string };
    }[];
    expect(entries.map((e) => [e.action, e.date])).toEqual([
      ['override.remove', '2026-03-03'],
      ['override.remove', '2026-02-24'],
      ['override.set', '2026-03-03'],
    ]);
    expect(entries[1]).toMatchObject({ actor: 'admin-li', detail: { reason: '通知撤回' } });
  });

  it('rejects bad override input with field errors', async () => {
    const res = await h.http('PUT', '/calendars/cn/overrides/2026-02-30', admin, {
      kind: 'rest',
      reason: '',
    });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['date']);
    const body = await h.http('PUT', '/calendars/cn/overrides/2026-02-24', admin, {
      kind: 'rest',
      reason: '',
    });
    expect((body.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['kind', 'reason']);
    expect(
      (await h.http('PUT', '/calendars/mars/overrides/2026-02-24', admin, { kind: 'holiday', reason: 'x' }))
        .status,
    ).toBe(404);
  });

  it('keeps a corrected year pending when a listener fails, and retries it on refresh', async () => {
    let failures = 1;
    const seen: string[][] = [];
    sut.onCorrection((change) => {
      if (failures-- > 0) return Promise.reject(new Error('clocks unavailable'));
      seen.push(change.dates);
      return Promise.resolve();
    });
    const set = await h.http('PUT', '/calendars/cn/overrides/2026-04-07', admin, {
      kind: 'holiday',
      reason: '演练',
    });
    expect(set.body).toMatchObject({ changedDates: ['2026-04-07'], recomputed: false });
    expect(await prisma.calendarChange.count({ where: { notifiedAt: null } })).toBe(1);
    await sut.refresh();
    expect(seen).toEqual([['2026-04-07']]);
    expect(await prisma.calendarChange.count({ where: { notifiedAt: null } })).toBe(0);
    await h.http('DELETE', '/calendars/cn/overrides/2026-04-07?reason=done', admin);
  });

  it('imports a missing year by hand, after which deadlines into it compute and listeners get the whole year', async () => {
    const dates = [
      { date: '2027-01-01', kind: 'holiday', name: '元旦', nameEn: "New Year's Day" },
      { date: '2027-01-02', kind: 'holiday', name: '元旦', nameEn: "New Year's Day" },
      { date: '2027-01-03', kind: 'holiday', name: '元旦', nameEn: "New Year's Day" },
    ];
    expect(
      (await h.http('POST', '/calendars/cn/years/2027/import', manager, { from: 'package' })).status,
    ).toBe(403);
    expect(
      (await h.http('POST', '/calendars/cn/years/2027/import', admin, { from: 'package' })).body,
    ).toMatchObject({
      code: 'SLA.CALENDAR_YEAR_NOT_PACKAGED',
    });
    const bad = await h.http('POST', '/calendars/cn/years/2027/import', admin, {
      from: 'manual',
      source: 'x',
      version: '1',
      dates: [{ date: '2026-12-31', kind: 'holiday', name: '元旦' }],
    });
    expect(bad).toMatchObject({ status: 422, body: { code: 'SLA.CALENDAR_DATES_INVALID' } });

    const res = await h.http('POST', '/calendars/cn/years/2027/import', admin, {
      from: 'manual',
      source: '国务院办公厅关于2027年部分节假日安排的通知（测试摘录）',
      version: '2027-test',
      dates,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'loaded', year: 2027, recomputed: true });
    expect(res.body.changedDates).toEqual(datesOfYear(2027));
    expect(corrections[0]?.dates).toHaveLength(365 + 1);
    // Wed 2026-12-30 + 3: Thu 12-31, (01-01..01-03 元旦), Mon 01-04, Tue 01-05
    expect(sut.schedule('workdays:cn').dueAt(bj('2026-12-30T10:00:00'), days(3))).toEqual(
      bj('2027-01-06T00:00:00'),
    );

    h.clock.setFixed(bj('2026-12-05T10:00:00'));
    expect((await h.http('GET', '/calendars/cn/coverage', manager)).body).toMatchObject({
      nextYearLoaded: true,
      warning: null,
    });

    // the same data again: nothing changes
    const again = await h.http('POST', '/calendars/cn/years/2027/import', admin, {
      from: 'manual',
      source: '国务院办公厅关于2027年部分节假日安排的通知（测试摘录）',
      version: '2027-test',
      dates,
    });
    expect(again).toMatchObject({ status: 200, body: { status: 'unchanged', changedDates: [] } });
  });

  it('never overwrites a loaded year from a newer seed, and replaces it only on an explicit import', async () => {
    const packaged = sut.packagedSeed();
    const y2026 = packaged.years.get(2026);
    const newer = parseSeed({
      ...seedFile,
      version: '99.0.0',
      source: 'chinese-days@99.0.0',
      years: {
        ...seedFile.years,
        '2026': { ...seedFile.years['2026'], workdays: { '2026-02-14': 'Spring Festival,春节,4' } },
      },
    });
    expect(await sut.seedFrom(newer)).toEqual({ loaded: [], differing: [2026] });
    expect(sut.schedule('workdays:cn').dueAt(bj('2026-02-27T16:00:00'), days(1))).toEqual(
      bj('2026-03-01T00:00:00'),
    );
    expect(
      (
        await prisma.calendarYear.findUniqueOrThrow({
          where: { calendarId_year: { calendarId: 'cn', year: 2026 } },
        })
      ).checksum,
    ).toBe(y2026?.checksum);

    // an administrator replaces 2026 by hand without the second make-up Saturday...
    const manual = await h.http('POST', '/calendars/cn/years/2026/import', admin, {
      from: 'manual',
      source: 'test',
      version: 't',
      dates: y2026?.dates.filter((d) => d.date !== '2026-02-28'),
    });
    expect(manual.body).toMatchObject({ status: 'replaced', changedDates: ['2026-02-28'] });
    expect(sut.schedule('workdays:cn').dueAt(bj('2026-02-27T16:00:00'), days(1))).toEqual(
      bj('2026-03-03T00:00:00'),
    );
    // ...and back from the packaged data
    const restored = await h.http('POST', '/calendars/cn/years/2026/import', admin, { from: 'package' });
    expect(restored.body).toMatchObject({
      status: 'replaced',
      source: seedFile.source,
      changedDates: ['2026-02-28'],
    });
    expect(corrections.map((c) => c.dates[0])).toEqual(['2026-02-28', '2026-02-28']);
    expect(sut.schedule('workdays:cn').dueAt(bj('2026-02-27T16:00:00'), days(1))).toEqual(
      bj('2026-03-01T00:00:00'),
    );
  });

  it('another instance (or a restart) loads the calendars from the table and follows changes made elsewhere', async () => {
    const other = await startInstance(h.sut.database.url, h.sut.config.KAFKA_BROKERS.join(','));
    try {
      const otherCalendars = other.app.get(CalendarService);
      const otherCorrections: CalendarCorrection[] = [];
      otherCalendars.onCorrection((change) => {
        otherCorrections.push(change);
        return Promise.resolve();
      });
      // 2027 exists only in the table (imported by hand above), not in the packaged seed
      expect(otherCalendars.schedule('workdays:cn').dueAt(bj('2026-12-30T10:00:00'), days(3))).toEqual(
        bj('2027-01-06T00:00:00'),
      );
      await h.http('PUT', '/calendars/cn/overrides/2027-01-04', admin, { kind: 'holiday', reason: '测试' });
      await otherCalendars.refresh();
      expect(otherCalendars.schedule('workdays:cn').dueAt(bj('2026-12-30T10:00:00'), days(3))).toEqual(
        bj('2027-01-07T00:00:00'),
      );
      expect(otherCorrections).toEqual([]); // the instance that made the change ran the listeners
      expect(await prisma.calendarYear.count({ where: { calendarId: 'cn' } })).toBe(
        PACKAGED_YEARS.length + 1,
      );
    } finally {
      await other.close();
    }
  }, 60_000);

  it('two instances booting together on a fresh database load each year once', async () => {
    const fresh = await createTestDatabase('sla-calendar', join(__dirname, '../../prisma/migrations'));
    try {
      const [a, b] = await Promise.all([
        startInstance(fresh.url, h.sut.config.KAFKA_BROKERS.join(',')),
        startInstance(fresh.url, h.sut.config.KAFKA_BROKERS.join(',')),
      ]);
      try {
        const db = a.app.get(PrismaService);
        expect(await db.calendarYear.count()).toBe(PACKAGED_YEARS.length);
        expect(await db.calendarChange.count({ where: { action: 'seed' } })).toBe(PACKAGED_YEARS.length);
        expect(
          b.app.get(CalendarService).schedule('workdays:cn').dueAt(bj('2026-02-13T10:00:00'), days(3)),
        ).toEqual(bj('2026-02-26T00:00:00'));
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await fresh.drop();
    }
  }, 90_000);
});
