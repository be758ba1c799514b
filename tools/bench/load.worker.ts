// The benchmark's load generator (`npm run bench`), in a worker thread so that it runs beside the
// bench's own event loop instead of on it. Node built-ins only, `import type` for the rest.
//
// Two kinds of phase: open loop (a fixed offered rate; each latency counts from the time the request
// was due, so a stalled service cannot hide its queue — no coordinated omission) and closed loop
// (N connections, each sending its next request when the previous answer arrives: the maximum rate).
// The requests mix channels as a city's do: operators record hotline calls (POST /tickets) and
// residents submit from the app, web and mini-program (POST /resident/tickets).
import { Agent, type ClientRequest, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { BenchPlace, CallTemplate } from './calls.ts';

export interface LoadSetup {
  host: string;
  port: number;
  /** `Bearer …` headers of the operators the hotline calls rotate through. */
  authorizations: string[];
  /** `Bearer …` headers of the residents who submit online. */
  residents: string[];
  /** Share of tickets residents submit online (the rest are hotline calls). */
  onlineShare: number;
  templates: readonly CallTemplate[];
  places: readonly BenchPlace[];
  phrases: {
    openers: readonly string[];
    details: readonly string[];
    requests: readonly string[];
    surnames: readonly string[];
  };
  /** How many distinct callers' numbers the requests draw from. */
  callers: number;
  /** Share of tickets whose location carries the district, street and community codes. */
  withCodesShare: number;
  /** Share of tickets where the operator sets type and category (the rest take the classifier's). */
  operatorChoosesShare: number;
  runId: string;
  seed: number;
}

export type PhaseSpec =
  | {
      kind: 'open';
      name: string;
      ratePerSecond: number;
      seconds: number;
      /** Requests still unanswered this long after the last one was due are abandoned (errors). */
      graceSeconds: number;
      /** Keep each dispatched ticket's id and when its answer arrived (for the pipeline's latency). */
      track?: boolean;
    }
  | { kind: 'closed'; name: string; connections: number; seconds: number };

export interface PhaseResult {
  name: string;
  /** Requests answered (any status) or failed at the socket. */
  requests: number;
  /** From the first send to the last answer. */
  seconds: number;
  /**
   * Milliseconds, ascending: open loop from the due time, closed loop from the send. Requests shed
   * are left out (answered at once, they would flatter the percentiles).
   */
  latencies: Float64Array<ArrayBuffer>;
  /** Answered 503 SERVICE.OVERLOADED at once: the service was at HTTP_MAX_IN_FLIGHT. */
  shed: number;
  /** Answers by HTTP status; 0 is no answer (a socket error, or abandoned after the grace period). */
  statuses: Record<string, number>;
  /** The first few non-2xx answers, for the report. */
  errorSamples: { status: number; body: string }[];
  /** 2xx answers to requests sent on for dispatch (each one `ticket.received.v1`). */
  dispatched: number;
  /** The most requests outstanding at once: sent, or waiting in the client's connection pool. */
  maxInFlight: number;
  /** Open loop: how late the generator's timer sent requests (p99, ms): its own share of latency. */
  sendLagP99Ms: number;
  /** CPU time of the generator's thread over the phase (ms). */
  generatorCpuMs: number;
  /** Tracked phases: ids of the tickets sent on for dispatch, and when each answer arrived (epoch ms). */
  tracked: { ids: string[]; answeredAt: number[] };
}

export type WorkerRequest = { kind: 'run'; spec: PhaseSpec } | { kind: 'close' };

interface Outcome {
  status: number;
  body: string;
  /** When the answer ended (performance.now()); undefined without one. */
  at?: number;
}

class LoadGenerator {
  private readonly setup: LoadSetup;
  private readonly agent: Agent;
  private readonly random: () => number;
  /** What residents submit online: matters for a unit (a consultation goes to the hotline). */
  private readonly forDispatch: readonly CallTemplate[];
  private sequence = 0;
  private inFlight = 0;
  /** The most requests in flight at once since the phase began. */
  private peak = 0;
  private readonly pending = new Set<ClientRequest>();
  private phaseCpu: NodeJS.CpuUsage = process.threadCpuUsage();

  constructor(setup: LoadSetup) {
    this.setup = setup;
    // Keep-alive connections as an API gateway keeps them to the service, at most 1,024: more than a
    // service admits at once (HTTP_MAX_IN_FLIGHT, 256), so an overloaded service's own load shedding
    // answers, as it would to many callers. Beyond that requests wait here, and the open loop counts
    // the wait from the due time.
    this.agent = new Agent({ keepAlive: true, maxSockets: 1024, scheduling: 'fifo' });
    this.random = mulberry32(setup.seed);
    this.forDispatch = setup.templates.filter((t) => t.answer === undefined);
  }

  run(spec: PhaseSpec): Promise<PhaseResult> {
    this.peak = 0;
    this.phaseCpu = process.threadCpuUsage();
    switch (spec.kind) {
      case 'open':
        return this.openLoop(spec.name, spec.ratePerSecond, spec.seconds, spec.graceSeconds, spec.track);
      case 'closed':
        return this.closedLoop(spec.name, spec.connections, spec.seconds);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private openLoop(
    name: string,
    ratePerSecond: number,
    seconds: number,
    graceSeconds: number,
    track = false,
  ): Promise<PhaseResult> {
    const total = Math.round(ratePerSecond * seconds);
    const interval = 1000 / ratePerSecond;
    const tally = new Tally(name, track);
    const sendLags = new Float64Array(total);
    const started = performance.now() + 10;
    let next = 0;
    return new Promise((resolve) => {
      // An overloaded service would keep the phase going for as long as its backlog lasts: past the
      // grace period the rest is abandoned, counted as errors with the time waited so far.
      const abandon = setTimeout(
        () => {
          for (const req of this.pending)
            req.destroy(new Error(`no answer ${graceSeconds} s after the phase`));
        },
        seconds * 1000 + graceSeconds * 1000,
      );
      const tick = (): void => {
        const now = performance.now();
        // Everything due by now goes out now; a late timer sends a burst, and the lateness counts.
        while (next < total && started + next * interval <= now) {
          const due = started + next * interval;
          sendLags[next++] = now - due;
          void this.send().then(({ outcome, dispatch }) => {
            tally.record(performance.now() - due, outcome, dispatch);
            if (tally.completed === total) {
              clearTimeout(abandon);
              resolve(this.finish(tally, started, sortedP99(sendLags)));
            }
          });
        }
        if (next < total) setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
      };
      setTimeout(tick, Math.max(0, started - performance.now()));
    });
  }

  private async closedLoop(name: string, connections: number, seconds: number): Promise<PhaseResult> {
    const tally = new Tally(name, false);
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          const { outcome, dispatch } = await this.send();
          tally.record(performance.now() - sent, outcome, dispatch);
        }
      }),
    );
    return this.finish(tally, started, 0);
  }

  private finish(tally: Tally, started: number, sendLagP99Ms: number): PhaseResult {
    const cpu = process.threadCpuUsage(this.phaseCpu);
    return tally.result(started, {
      sendLagP99Ms,
      maxInFlight: this.peak,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
    });
  }

  private async send(): Promise<{ outcome: Outcome; dispatch: boolean }> {
    const { path, body, key, authorization, dispatch } = this.nextTicket();
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      return { outcome: await this.post(path, body, key, authorization), dispatch };
    } finally {
      this.inFlight--;
    }
  }

  private post(path: string, body: string, key: string, authorization: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const req = request(
        {
          agent: this.agent,
          host: this.setup.host,
          port: this.setup.port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization,
            'idempotency-key': key,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }),
          );
          res.on('error', (error) => resolve({ status: 0, body: error.message }));
          // After 'end' this changes nothing; without it (abandoned mid-answer) it settles the request.
          res.on('close', () => resolve({ status: 0, body: 'connection closed before the answer ended' }));
        },
      );
      this.pending.add(req);
      req.on('close', () => this.pending.delete(req));
      req.on('error', (error) => resolve({ status: 0, body: error.message }));
      req.end(body);
    });
  }

  /**
   * One request: a hotline call as an operator records it, or a resident's online submission
   * (always sent on for dispatch) — varied words, place, caller and operator.
   */
  private nextTicket(): {
    path: string;
    body: string;
    key: string;
    authorization: string;
    dispatch: boolean;
  } {
    const s = this.setup;
    const seq = this.sequence++;
    const online = this.random() < s.onlineShare;
    const template = online ? this.pick(this.forDispatch) : this.pick(s.templates);
    const place = this.pick(s.places);
    const where = `${place.name}${1 + Math.floor(this.random() * 30)}号楼`;
    const content =
      this.pick(s.phrases.openers) +
      template.content.replace('{place}', where) +
      this.pick(s.phrases.details) +
      this.pick(s.phrases.requests);
    const withCodes = this.random() < s.withCodesShare;
    const operatorChooses = this.random() < s.operatorChoosesShare;
    const location = {
      ...(withCodes
        ? {
            districtCode: place.districtCode,
            streetCode: place.streetCode,
            communityCode: place.communityCode,
          }
        : {}),
      address: where,
      coordinates: {
        lng: round6(place.lng + (this.random() - 0.5) * place.spanLng),
        lat: round6(place.lat + (this.random() - 0.5) * place.spanLat),
        crs: 'GCJ02',
      },
    };
    if (online) {
      const resident = seq % s.residents.length;
      const submission = {
        channel: ONLINE_CHANNELS[seq % ONLINE_CHANNELS.length],
        ...(operatorChooses
          ? { requestType: template.requestType, categoryCode: template.categoryCode }
          : {}),
        content,
        caller: { phone: callerPhone(resident), confidential: false },
        location,
      };
      return {
        path: '/resident/tickets',
        body: JSON.stringify(submission),
        key: `bench-${s.runId}-${seq}`,
        authorization: s.residents[resident] ?? '',
        dispatch: true,
      };
    }
    const ticket = {
      channel: 'hotline',
      ...(operatorChooses ? { requestType: template.requestType, categoryCode: template.categoryCode } : {}),
      content,
      caller: {
        name: `${this.pick(s.phrases.surnames)}${this.random() < 0.5 ? '先生' : '女士'}`,
        phone: callerPhone(Math.floor(this.random() * s.callers)),
        confidential: this.random() < 0.05,
      },
      location,
      triage: template.answer
        ? { outcome: 'direct', reply: template.answer }
        : ({ outcome: 'dispatch' } as const),
    };
    return {
      path: '/tickets',
      body: JSON.stringify(ticket),
      key: `bench-${s.runId}-${seq}`,
      authorization: s.authorizations[seq % s.authorizations.length] ?? '',
      dispatch: template.answer === undefined,
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
}

/** Answers of one phase. */
class Tally {
  private readonly name: string;
  private readonly latencies: number[] = [];
  private shed = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly errorSamples: { status: number; body: string }[] = [];
  private dispatched = 0;
  completed = 0;
  private lastAnswer = 0;
  private readonly track: boolean;
  private readonly tracked: PhaseResult['tracked'] = { ids: [], answeredAt: [] };

  constructor(name: string, track: boolean) {
    this.name = name;
    this.track = track;
  }

  record(latencyMs: number, outcome: Outcome, dispatch: boolean): void {
    this.completed++;
    const shed = outcome.status === 503 && outcome.body.includes('"SERVICE.OVERLOADED"');
    if (shed) this.shed++;
    else this.latencies.push(latencyMs);
    this.lastAnswer = performance.now();
    this.statuses[outcome.status] = (this.statuses[outcome.status] ?? 0) + 1;
    const ok = outcome.status >= 200 && outcome.status < 300;
    if (ok && dispatch) {
      this.dispatched++;
      if (this.track && outcome.at !== undefined) {
        // Only tickets sent on at once: an online submission the classifier cannot place waits
        // (pending) for an operator, and a merged duplicate is never dispatched.
        const ticket = JSON.parse(outcome.body) as { id: string; status: string };
        if (ticket.status === 'forwarded') {
          this.tracked.ids.push(ticket.id);
          this.tracked.answeredAt.push(performance.timeOrigin + outcome.at);
        }
      }
    }
    if (!ok && !shed && this.errorSamples.length < 5) {
      this.errorSamples.push({ status: outcome.status, body: outcome.body.slice(0, 500) });
    }
  }

  result(
    started: number,
    generator: Pick<PhaseResult, 'sendLagP99Ms' | 'maxInFlight' | 'generatorCpuMs'>,
  ): PhaseResult {
    const latencies = Float64Array.from(this.latencies).sort();
    return {
      name: this.name,
      requests: this.completed,
      seconds: (this.lastAnswer - started) / 1000,
      latencies,
      shed: this.shed,
      statuses: this.statuses,
      errorSamples: this.errorSamples,
      dispatched: this.dispatched,
      tracked: this.tracked,
      ...generator,
    };
  }
}

const ONLINE_CHANNELS = ['app', 'app', 'web', 'mini-program'] as const;

/** A mainland mobile number for most callers, a Beijing landline for one in ten. */
function callerPhone(n: number): string {
  const digits = String((n * 2_654_435_761) % 1_000_000_000).padStart(9, '0');
  if (n % 10 === 9) return `010-${6 + (n % 3)}${digits.slice(0, 7)}`;
  return `1${'35789'.charAt(n % 5)}${digits}`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function sortedP99(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
}

/** A small seeded generator: the same run sends the same tickets. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const setup = workerData as LoadSetup;
  const generator = new LoadGenerator(setup);
  port.on('message', (message: WorkerRequest) => {
    switch (message.kind) {
      case 'run':
        void generator
          .run(message.spec)
          .then((result) => port.postMessage(result, [result.latencies.buffer]));
        return;
      case 'close':
        generator.close();
        port.close();
        return;
    }
  });
}
