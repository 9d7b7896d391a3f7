import { expect } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/decider.js';

/**
 * Given events, when a command, then events or an error: the shape of every rule test.
 * No Nest and no database, only the decider.
 */
/**
 * How a refusal is answered, as the specs name it: malformed input, a missing target,
 * a clash with the current state, or a rule of the guide (both of the last are 409).
 */
export type RefusalKind = 'invalid' | 'not-found' | 'conflict' | 'rule';
const KIND_STATUS: Record<RefusalKind, number> = { invalid: 400, 'not-found': 404, conflict: 409, rule: 409 };

export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return (given: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenNothingHappens: () => expect(run()).toEqual([]),
        thenFails: (code: string, match: { kind?: RefusalKind } & { fields?: string[]; details?: Record<string, unknown> } = {}) => {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          const domainError = error as DomainError;
          expect(domainError.code).toBe(code);
          if (match.kind) expect(domainError.status).toBe(KIND_STATUS[match.kind]);
          if (match.fields) expect((domainError.details.errors ?? []).map((f) => f.field).sort()).toEqual([...match.fields].sort());
          if (match.details) expect(domainError.details).toMatchObject(match.details);
        },
      };
    },
  });
}
