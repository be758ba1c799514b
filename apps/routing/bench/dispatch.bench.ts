import { machineInfo, percentile, writeBenchResult } from '@jsjb/testing';
import type { TicketReceivedV1 } from '@jsjb/contracts';
import { decideDispatch } from '../src/dispatch/dispatch.domain';
import { locateTicket } from '../src/dispatch/ticket-location.domain';
import { sampleReferenceData } from '../src/reference/reference-data';

/**
 * The dispatch decision with the sample city loaded: locate (coordinates → grid, or address
 * text) → catalogue rule → units. Target: p99 < 5 ms per decision.
 */
const DECISIONS = Number(process.env['BENCH_DECISIONS'] ?? 200_000);

describe('dispatch decision benchmark', () => {
  it('decides with the sample city loaded', async () => {
    const loadStarted = performance.now();
    const reference = sampleReferenceData();
    const loadMs = performance.now() - loadStarted;
    const items = reference.catalogue.items;
    const communities = reference.territory.areas.filter((a) => a.level === 'community');
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const [west, south, east, north] = [116.2, 39.8, 116.6, 40.1];
    const locations: TicketReceivedV1['location'][] = Array.from({ length: 10_000 }, (_, i) =>
      i % 5 === 4
        ? // One in five has no coordinates: the address fallback.
          {
            districtCode: null,
            streetCode: null,
            communityCode: null,
            address: `${communities[i % communities.length]?.name ?? ''}3号楼`,
            lng: null,
            lat: null,
          }
        : {
            districtCode: null,
            streetCode: null,
            communityCode: null,
            address: null,
            lng: west + random() * (east - west),
            lat: south + random() * (north - south),
          },
    );

    const times: number[] = new Array<number>(DECISIONS);
    let dispatched = 0;
    for (let i = 0; i < DECISIONS; i++) {
      const started = performance.now();
      const location = locateTicket(
        reference.index,
        locations[i % locations.length] as TicketReceivedV1['location'],
      );
      const outcome = decideDispatch({
        item: items[i % items.length],
        location,
        directory: reference.directory,
        catalogueVersion: reference.catalogue.version,
      });
      times[i] = performance.now() - started;
      if (outcome.kind === 'dispatch') dispatched++;
    }
    times.sort((a, b) => a - b);
    const result = {
      benchmark: 'routing-dispatch',
      date: new Date().toISOString(),
      machine: machineInfo(),
      sampleCity: {
        areas: reference.territory.areas.length,
        catalogueItems: items.length,
        loadMs: Math.round(loadMs),
      },
      decisions: DECISIONS,
      dispatchedShare: +(dispatched / DECISIONS).toFixed(3),
      latencyMs: {
        p50: +percentile(times, 50).toFixed(4),
        p99: +percentile(times, 99).toFixed(4),
        max: +(times.at(-1) ?? NaN).toFixed(3),
      },
      target: { p99Ms: 5 },
    };
    const file = await writeBenchResult('routing-dispatch', result.date, result);
    process.stdout.write(
      [
        '',
        '| measure | value | target |',
        '| --- | --- | --- |',
        `| sample city + catalogue load | ${result.sampleCity.loadMs} ms (${result.sampleCity.areas} areas, ${items.length} items) | |`,
        `| dispatch decision p50 | ${result.latencyMs.p50} ms | |`,
        `| dispatch decision p99 (${DECISIONS} decisions, 1 in 5 by address) | ${result.latencyMs.p99} ms | < 5 ms |`,
        `| max | ${result.latencyMs.max} ms | |`,
        `results: ${file}`,
        '',
      ].join('\n'),
    );
    expect(dispatched).toBeGreaterThan(0);
  });
});
