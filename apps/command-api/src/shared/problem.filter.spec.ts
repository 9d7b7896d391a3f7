import { describe, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { EventStoreUnavailableError } from '#event-store';
import { ProblemDetailsFilter } from './problem.filter.js';

describe('Problem details for an event store out of reach', () => {
  test('is a 503 event-store-unavailable with Retry-After, saying nothing of internals', () => {
    const filter = new ProblemDetailsFilter(pino({ level: 'silent' }));
    const { problem, headers } = filter.toProblem(new EventStoreUnavailableError('append', 7, new Error('14 UNAVAILABLE: No connection established to 10.0.0.3:2113')));
    expect(problem).toMatchObject({ status: 503, code: 'event-store-unavailable', title: 'The event store is out of reach for now', retryAfterSeconds: 5 });
    expect(headers).toEqual({ 'Retry-After': '5' });
    expect(JSON.stringify(problem)).not.toContain('10.0.0.3');
  });
});
