import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ReferenceReadModel } from '../reference/reference.module';
import { type Suggestion, TicketClassifier } from '../tickets/ticket-classifier';
import { type CatalogueEntry, Classifier } from './classifier.domain';
import { JiebaSegmenter } from './jieba.segmenter';

/** What the service reads from the reference data: the catalogue in force and its changes. */
export type CatalogueSource = Pick<ReferenceReadModel, 'catalogueItems' | 'onCatalogueChanged'>;

/**
 * The classifier for the catalogue in force: built at boot from the catalogue intake holds, rebuilt
 * (a new {@link Classifier}, swapped in whole) whenever ReferenceReadModel loads a new version.
 */
@Injectable()
export class ClassificationService extends TicketClassifier implements OnModuleDestroy {
  private readonly logger = new Logger(ClassificationService.name);
  private readonly segmenter = new JiebaSegmenter();
  private classifier: Classifier;
  private readonly unsubscribe: () => void;

  constructor(@Inject(ReferenceReadModel) reference: CatalogueSource) {
    super();
    this.classifier = this.build(reference.catalogueItems(), null);
    this.unsubscribe = reference.onCatalogueChanged((items, version) => {
      this.classifier = this.build(items, version);
    });
  }

  classify(content: string): Suggestion {
    return this.classifier.classify(content);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private build(items: readonly CatalogueEntry[], version: string | null): Classifier {
    const started = performance.now();
    const classifier = new Classifier(items, this.segmenter);
    const took = Math.round(performance.now() - started);
    this.logger.log(
      `classifier built for catalogue ${version ?? 'in force'}: ${items.length} items in ${took} ms`,
    );
    return classifier;
  }
}
