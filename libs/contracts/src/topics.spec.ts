import { dlqTopic, TOPICS } from './topics';
import { SERVICES, serviceDatabase } from './services';

describe('topics', () => {
  it('names versioned aggregate streams', () => {
    expect(Object.values(TOPICS)).toEqual(['jsjb.ticket.v1', 'jsjb.reference.v1', 'jsjb.whistle.v1']);
  });

  it('derives the dead-letter topic', () => {
    expect(dlqTopic(TOPICS.ticket)).toBe('jsjb.ticket.v1.dlq');
  });

  it('gives every service its own database', () => {
    expect(SERVICES.map(serviceDatabase)).toEqual(['jsjb_intake', 'jsjb_routing', 'jsjb_sla']);
  });
});
