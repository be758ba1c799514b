import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { REFERENCE_KINDS } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import { Clock, ConflictError, NotFoundError, PLATFORM_CONFIG, UnprocessableError } from '@jsjb/platform';
import { catalogueFromCsv } from '../catalogue/catalogue-csv.domain';
import { CatalogueError } from '../catalogue/catalogue.domain';
import type { RoutingConfig } from '../config';
import { ReferenceData, ReferenceStore, SEEDS } from './reference-data';
import { changeEvents, type ReferenceEvent, snapshotEvents } from './reference-events.domain';
import { type ActiveVersion, ReferenceRepository, type Tx } from './reference.repository';
import {
  catalogueIssues,
  checksumOf,
  type ReferenceContent,
  ReferenceContentError,
  type ReferenceIssue,
  type ReferenceKind,
  ofKind,
  parseContent,
  payloadOf,
  type TerritoryContent,
  unitTerritoryIssues,
} from './reference-version.domain';

export interface ImportResult {
  kind: ReferenceKind;
  version: string;
  checksum: string;
  /** `activated`: stored and now in force; `unchanged`: this version was already stored with this content. */
  outcome: 'activated' | 'unchanged';
  /** The version it replaced (activated only). */
  previousVersion: string | null;
  /** Parts of the change event published (activated only). */
  parts: number;
}

export interface VersionInfo {
  version: string;
  checksum: string;
  activatedAt: string;
  /** The version this instance is using (equal to `version` unless an activation elsewhere is not picked up yet). */
  inForceHere: string;
}

/**
 * Reference data's versions: seeded on a fresh database, loaded at boot, imported by admins, kept in
 * step across instances, published on jsjb.reference.v1. The ReferenceStore it creates is what every
 * reader uses.
 */
@Injectable()
export class ReferenceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReferenceService.name);
  private store: ReferenceStore | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Swaps of the store run one at a time (refresh ticks and imports). */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: ReferenceRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: RoutingConfig,
  ) {}

  /** Boot: the version in force of each kind, seeding the kinds a fresh database lacks. */
  async start(): Promise<ReferenceStore> {
    await this.repository.assertReachable();
    let active = await this.repository.activeVersions();
    let seeded: ReferenceContent[] = [];
    if (REFERENCE_KINDS.some((kind) => !active.has(kind))) {
      seeded = await this.seedMissing();
      active = await this.repository.activeVersions();
    }
    const contentOf = (kind: ReferenceKind): Promise<ReferenceContent> => {
      const version = this.required(active, kind).version;
      const fresh = seeded.find((c) => c.kind === kind && c.version === version);
      return fresh ? Promise.resolve(fresh) : this.load(kind, version);
    };
    const [territory, units, catalogue] = await Promise.all(REFERENCE_KINDS.map(contentOf));
    if (!territory || !units || !catalogue) throw new Error('a reference kind is missing');
    const data = ReferenceData.of(
      ofKind(territory, 'territory'),
      ofKind(units, 'units'),
      ofKind(catalogue, 'catalogue'),
    );
    this.store = new ReferenceStore(data);
    this.logger.log(`reference data in force: ${describe(this.store.current())}`);
    return this.store;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => {
        this.logger.warn(
          `reference refresh failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }, this.config.REFERENCE_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.serial.catch(() => undefined);
  }

  /**
   * Picks up versions activated by another instance. Cheap when nothing changed: one indexed query
   * and a comparison of version strings; only a changed kind is loaded.
   */
  refresh(): Promise<ReferenceKind[]> {
    return this.exclusive(async () => {
      const store = this.requireStore();
      const active = await this.repository.activeVersions();
      const stale = REFERENCE_KINDS.filter((kind) => {
        const version = active.get(kind)?.version;
        return version !== undefined && version !== store.current().versions[kind];
      });
      if (stale.length === 0) return [];
      let next = store.current();
      for (const kind of stale) next = next.with(await this.load(kind, this.required(active, kind).version));
      store.replace(next);
      this.logger.log(`reference data refreshed (${stale.join(', ')}): ${describe(next)}`);
      return stale;
    });
  }

  /** The version in force of each kind, as stored. */
  async versions(): Promise<Record<ReferenceKind, VersionInfo>> {
    const active = await this.repository.activeVersions();
    const here = this.requireStore().current().versions;
    const info = (kind: ReferenceKind): VersionInfo => {
      const row = this.required(active, kind);
      return {
        version: row.version,
        checksum: row.checksum,
        activatedAt: row.activatedAt.toISOString(),
        inForceHere: here[kind],
      };
    };
    return { territory: info('territory'), units: info('units'), catalogue: info('catalogue') };
  }

  importCatalogueJson(body: unknown): Promise<ImportResult> {
    const version =
      typeof body === 'object' && body !== null && 'version' in body && typeof body.version === 'string'
        ? body.version
        : '';
    return this.import(() => parseContent('catalogue', version, body));
  }

  importCatalogueCsv(text: string, meta: { version: string; publishedAt: string }): Promise<ImportResult> {
    return this.import(() => {
      try {
        return { kind: 'catalogue', version: meta.version, catalogue: catalogueFromCsv(text, meta) };
      } catch (error) {
        if (!(error instanceof CatalogueError)) throw error;
        throw new ReferenceContentError('catalogue', catalogueIssues(error), { cause: error });
      }
    });
  }

  importTerritory(version: string, featureCollection: unknown): Promise<ImportResult> {
    return this.import(() => parseContent('territory', version, featureCollection));
  }

  importUnits(version: string, units: unknown): Promise<ImportResult> {
    return this.import(() => parseContent('units', version, { units }));
  }

  /** Publishes the version in force of a kind as a full snapshot. */
  async publishSnapshot(
    kind: ReferenceKind,
  ): Promise<{ kind: ReferenceKind; version: string; parts: number }> {
    return this.repository.transaction(async (tx) => {
      const active = this.required(await this.repository.activeVersions(tx), kind);
      const content = await this.contentAt(kind, active.version, tx);
      const now = this.clock.now();
      const events = snapshotEvents(content, { publishedAt: now });
      await this.publish(tx, events, now);
      return { kind, version: content.version, parts: events.length };
    });
  }

  /**
   * Validates, stores and activates a version, with its change events, in one transaction; then swaps
   * the store. The same version with the same content again is a no-op; with other content, a conflict.
   */
  private async import(parse: () => ReferenceContent): Promise<ImportResult> {
    let content: ReferenceContent;
    try {
      content = parse();
    } catch (error) {
      throw asUnprocessable(error);
    }
    const { kind, version } = content;
    const payload = payloadOf(content);
    const checksum = checksumOf(payload);
    // Territory and units are checked against each other: hold both while either changes.
    const kinds: ReferenceKind[] = kind === 'catalogue' ? ['catalogue'] : ['territory', 'units'];
    const result = await this.repository.transaction(async (tx): Promise<ImportResult> => {
      await this.repository.lock(tx, kinds);
      const stored = await this.repository.checksum(tx, kind, version);
      if (stored !== undefined) {
        if (stored !== checksum) {
          throw new ConflictError(
            'REFERENCE.VERSION_EXISTS',
            `${kind} version ${version} exists with other content; import it under a new version.`,
          );
        }
        return { kind, version, checksum, outcome: 'unchanged', previousVersion: null, parts: 0 };
      }
      const active = await this.repository.activeVersions(tx);
      const previous = await this.contentAt(kind, this.required(active, kind).version, tx);
      const issues = await this.crossIssues(content, active, tx);
      if (issues.length > 0) {
        throw new UnprocessableError(
          content.kind === 'units' ? 'REFERENCE.UNKNOWN_AREA' : 'REFERENCE.UNITS_ORPHANED',
          content.kind === 'units'
            ? 'Units refer to areas that are not in the territory in force.'
            : 'Units in force refer to areas this territory lacks: import units without them first.',
          issues,
        );
      }
      const now = this.clock.now();
      const previousActivation = this.required(active, kind).activatedAt.getTime();
      // Strictly after the previous activation, so "last activated" is never a tie.
      const activatedAt = new Date(Math.max(now.getTime(), previousActivation + 1));
      await this.repository.insert(tx, { kind, version, checksum, payload });
      await this.repository.activate(tx, kind, version, activatedAt);
      const events = changeEvents(previous, content, { publishedAt: now });
      await this.publish(tx, events, now);
      return {
        kind,
        version,
        checksum,
        outcome: 'activated',
        previousVersion: previous.version,
        parts: events.length,
      };
    });
    if (result.outcome === 'activated') {
      await this.exclusive(() => {
        const store = this.requireStore();
        store.replace(store.current().with(content));
        this.logger.log(`${kind} ${version} activated: ${describe(store.current())}`);
        return Promise.resolve();
      });
    }
    return result;
  }

  /** Units must lie in the territory in force; a new territory must keep the areas of the units in force. */
  private async crossIssues(
    content: ReferenceContent,
    active: Map<ReferenceKind, ActiveVersion>,
    tx: Tx,
  ): Promise<ReferenceIssue[]> {
    switch (content.kind) {
      case 'units': {
        const version = this.required(active, 'territory').version;
        const { territory } = ofKind(await this.contentAt('territory', version, tx), 'territory');
        return unitTerritoryIssues(content.units, territory);
      }
      case 'territory': {
        const version = this.required(active, 'units').version;
        const { units } = ofKind(await this.contentAt('units', version, tx), 'units');
        return unitTerritoryIssues(units, content.territory);
      }
      case 'catalogue':
        return [];
    }
  }

  /** Seeds each kind without a version in force, under the kinds' locks (instances may boot together). */
  private async seedMissing(): Promise<ReferenceContent[]> {
    return this.repository.transaction(async (tx) => {
      await this.repository.lock(tx, REFERENCE_KINDS);
      const active = await this.repository.activeVersions(tx);
      const now = this.clock.now();
      const seeded: ReferenceContent[] = [];
      let territory: TerritoryContent | undefined;
      if (!active.has('territory')) {
        territory = SEEDS.territory();
        seeded.push(territory);
      }
      if (!active.has('units')) {
        territory ??= ofKind(
          await this.load('territory', this.required(active, 'territory').version, tx),
          'territory',
        );
        seeded.push(SEEDS.units(territory));
      }
      if (!active.has('catalogue')) seeded.push(SEEDS.catalogue());
      for (const content of seeded) {
        const payload = payloadOf(content);
        await this.repository.insert(tx, {
          kind: content.kind,
          version: content.version,
          checksum: checksumOf(payload),
          payload,
        });
        await this.repository.activate(tx, content.kind, content.version, now);
        await this.publish(tx, snapshotEvents(content, { publishedAt: now }), now);
        this.logger.log(`seeded ${content.kind} ${content.version}`);
      }
      return seeded;
    });
  }

  /** A version's content: the one in memory when it is that version, else read from the database. */
  private async contentAt(kind: ReferenceKind, version: string, tx?: Tx): Promise<ReferenceContent> {
    const current = this.store?.current();
    if (current && current.versions[kind] === version) return current.content(kind);
    return this.load(kind, version, tx);
  }

  private async load(kind: ReferenceKind, version: string, tx?: Tx): Promise<ReferenceContent> {
    const row = await this.repository.find(kind, version, tx);
    if (!row) throw new NotFoundError('REFERENCE.VERSION_NOT_FOUND', `No ${kind} version ${version}.`);
    try {
      return parseContent(kind, version, row.payload);
    } catch (error) {
      throw new Error(`Stored ${kind} version ${version} is not valid`, { cause: error });
    }
  }

  private async publish(tx: Tx, events: ReferenceEvent[], now: Date): Promise<void> {
    await this.outbox.addMany(
      tx,
      events.map((event) => ({ type: event.type, subject: event.subject, data: event.data, time: now })),
    );
  }

  private required(active: Map<ReferenceKind, ActiveVersion>, kind: ReferenceKind): ActiveVersion {
    const row = active.get(kind);
    if (!row) throw new NotFoundError('REFERENCE.NONE_ACTIVE', `No ${kind} version is in force.`);
    return row;
  }

  private requireStore(): ReferenceStore {
    if (!this.store) throw new Error('ReferenceService.start() has not run');
    return this.store;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }
}

function asUnprocessable(error: unknown): unknown {
  if (!(error instanceof ReferenceContentError)) return error;
  return new UnprocessableError(
    `REFERENCE.INVALID_${error.kind.toUpperCase()}`,
    `The ${error.kind} is not valid.`,
    error.issues.map((i) => ({ ...i })),
  );
}

function describe(data: ReferenceData): string {
  const { territory, units, catalogue } = data.versions;
  return `territory ${territory} (${data.territory.areas.length} areas), units ${units} (${data.directory.size}), catalogue ${catalogue} (${data.catalogue.items.length} items)`;
}
