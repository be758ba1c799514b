/**
 * Writes the sample city as GeoJSON:
 *   node apps/routing/dist/territory/sample-city.cli.js --out <file> [--seed N] [--districts N]
 *     [--streets-per-district N] [--communities-per-street N] [--grids-per-community N]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateSampleCity, type SampleCityOptions } from './sample-city.domain';
import { toFeatureCollection } from './territory-geojson.domain';

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new RangeError(`--${name} must be an integer, got "${value}"`);
  return n;
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      districts: { type: 'string' },
      'streets-per-district': { type: 'string' },
      'communities-per-street': { type: 'string' },
      'grids-per-community': { type: 'string' },
    },
    strict: true,
  });
  if (values.out === undefined) throw new RangeError('usage: sample-city --out <file.geojson> [--seed N]');
  const options: SampleCityOptions = {
    seed: integer('seed', values.seed),
    districts: integer('districts', values.districts),
    streetsPerDistrict: integer('streets-per-district', values['streets-per-district']),
    communitiesPerStreet: integer('communities-per-street', values['communities-per-street']),
    gridsPerCommunity: integer('grids-per-community', values['grids-per-community']),
  };
  const started = performance.now();
  const city = generateSampleCity(options);
  const elapsedMs = performance.now() - started;
  writeFileSync(values.out, JSON.stringify(toFeatureCollection(city)));
  const count = (level: string): number => city.areas.filter((a) => a.level === level).length;
  process.stdout.write(
    `wrote ${values.out}: ${count('district')} districts, ${count('street')} streets, ` +
      `${count('community')} communities, ${count('grid')} grids (generated in ${elapsedMs.toFixed(0)} ms)\n`,
  );
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
