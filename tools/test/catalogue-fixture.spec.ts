// Intake's copy of the dispatch catalogue (apps/intake/test/fixtures/catalogue-2026.1.json) must be
// what routing publishes for catalogue 2026.1 on `catalogue.changed.v1`: intake's classifier and its
// evaluation set are built on it, and apps may not import each other.
//
// Why routing's build and not its source: the tools project may import nothing of ours (its lint tags
// allow no dependencies), and it treats the apps as built artefacts — `tools:test` depends on
// `routing:build`, as the launch tests run `dist/main.js`. So this test loads routing's compiled
// `reference-events.domain.js` at run time (no import edge in the module graph) and runs the very
// function routing publishes with, `snapshotEvents`.
//
// To refresh the fixture after a catalogue change: JSJB_UPDATE_FIXTURES=1 npx jest -c tools/jest.config.cjs
// catalogue-fixture, then review the diff.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findWorkspaceRoot } from '../dev/workspace.ts';

const root = findWorkspaceRoot();
const routingDist = join(root, 'apps/routing/dist');
const fixturePath = join(root, 'apps/intake/test/fixtures/catalogue-2026.1.json');

/** The slice of routing's compiled modules this test uses, typed here because tools cannot import them. */
interface RoutingCatalogueModule {
  CATALOGUE_2026_1: { version: string; items: unknown[] };
}
interface RoutingReferenceEventsModule {
  snapshotEvents(
    content: { kind: 'catalogue'; version: string; catalogue: unknown },
    meta: { publishedAt: Date },
  ): { type: string; data: { upserted: unknown[] } }[];
}

interface CatalogueFixture {
  version: string;
  items: unknown[];
}

/** The routing sources whose change alters what is published; a build older than any of them is stale. */
const routingSources = [
  'apps/routing/src/catalogue/data/catalogue-2026.1.ts',
  'apps/routing/src/catalogue/catalogue.domain.ts',
  'apps/routing/src/reference/reference-events.domain.ts',
  'apps/routing/src/dispatch/units.domain.ts',
];

function loadRouting(): { catalogue: RoutingCatalogueModule; events: RoutingReferenceEventsModule } {
  const eventsFile = join(routingDist, 'reference/reference-events.domain.js');
  const catalogueFile = join(routingDist, 'catalogue/data/catalogue-2026.1.js');
  if (!existsSync(eventsFile) || !existsSync(catalogueFile)) {
    throw new Error('routing is not built: run `npx nx run routing:build` (nx runs it before tools:test)');
  }
  const built = Math.min(statSync(eventsFile).mtimeMs, statSync(catalogueFile).mtimeMs);
  const stale = routingSources.filter((source) => statSync(join(root, source)).mtimeMs > built);
  if (stale.length > 0) {
    throw new Error(`routing's build is older than ${stale.join(', ')}: run \`npx nx run routing:build\``);
  }
  // Node's own loader, not Jest's: the build is plain CommonJS and resolves @jsjb/contracts to its dist.
  const load = createRequire(join(root, 'package.json'));
  return {
    catalogue: load(catalogueFile) as RoutingCatalogueModule,
    events: load(eventsFile) as RoutingReferenceEventsModule,
  };
}

/** Catalogue 2026.1 as routing publishes it: every part of a snapshot, items in publishing order. */
function published(): CatalogueFixture {
  const { catalogue, events } = loadRouting();
  const { version } = catalogue.CATALOGUE_2026_1;
  const parts = events.snapshotEvents(
    { kind: 'catalogue', version, catalogue: catalogue.CATALOGUE_2026_1 },
    { publishedAt: new Date('2026-01-01T00:00:00+08:00') },
  );
  const types = new Set(parts.map((event) => event.type));
  if (types.size !== 1 || !types.has('catalogue.changed.v1')) {
    throw new Error(`expected only catalogue.changed.v1 events, got ${[...types].join(', ')}`);
  }
  return { version, items: parts.flatMap((event) => event.data.upserted) };
}

function codesOf(items: unknown[]): string[] {
  return items.map((item) => (item as { code: string }).code);
}

describe("intake's catalogue fixture", () => {
  const expected = published();

  beforeAll(() => {
    if (process.env['JSJB_UPDATE_FIXTURES'] === '1') {
      writeFileSync(fixturePath, JSON.stringify(expected));
      // Prettier's CLI, not its API: the API loads plugins with import(), which Jest's VM refuses.
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--write', fixturePath],
        {
          cwd: root,
          stdio: 'ignore',
        },
      );
    }
  });

  it('holds the 204 items of catalogue 2026.1', () => {
    expect(expected.version).toBe('2026.1');
    expect(expected.items).toHaveLength(204);
  });

  it('equals what routing publishes for catalogue 2026.1', () => {
    const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as CatalogueFixture;
    // Codes first, so that an added or removed item is named in the failure rather than buried in a diff.
    expect(codesOf(fixture.items)).toEqual(codesOf(expected.items));
    expect(fixture).toEqual(expected);
  });
});
