import type { RequestType, Urgency } from './ticket.domain';

/** What the classifier suggests for a request's text; the operator may override every part. */
export interface Suggestion {
  requestType: { value: RequestType; confidence: number };
  category: { code: string; confidence: number; alternatives: { code: string; confidence: number }[] } | null;
  urgency: { value: Urgency; confidence: number; matchedTerms: string[] };
}

/** Suggests type, category and urgency from a request's text (implemented by the classification feature). */
export abstract class TicketClassifier {
  abstract classify(content: string): Suggestion;
}
