import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CatalogueListener } from '../reference/reference.module';
import { type CatalogueSource, ClassificationService } from './classification.service';
import { type CatalogueEntry } from './classifier.domain';

const catalogue = JSON.parse(
  readFileSync(join(__dirname, '../../test/fixtures/catalogue-2026.1.json'), 'utf8'),
) as { items: CatalogueEntry[] };

/** The catalogue in force and its listeners, as ReferenceReadModel keeps them. */
class FakeCatalogueSource implements CatalogueSource {
  readonly listeners = new Set<CatalogueListener>();

  constructor(private items: readonly CatalogueEntry[]) {}

  catalogueItems(): readonly CatalogueEntry[] {
    return this.items;
  }

  onCatalogueChanged(listener: CatalogueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  load(items: readonly CatalogueEntry[], version: string): void {
    this.items = items;
    for (const listener of this.listeners) listener(items, version);
  }
}

describe('ClassificationService', () => {
  it('classifies with the catalogue in force, and with the next one once it is loaded', () => {
    const source = new FakeCatalogueSource(catalogue.items);
    const sut = new ClassificationService(source);
    const text = '我们楼电梯坏了三天了';
    expect(sut.classify(text).category?.code).toBe('urban.property.elevator');

    source.load(
      catalogue.items.filter((item) => item.code !== 'urban.property.elevator'),
      '2026.2',
    );
    expect(sut.classify(text).category?.code).not.toBe('urban.property.elevator');

    sut.onModuleDestroy();
    expect(source.listeners.size).toBe(0);
  });
});
