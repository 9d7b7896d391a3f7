/**
 * A decider (Emmett style): a pure function from (command, state) to events, plus
 * the fold that rebuilds state from events. No Nest, no I/O, no clock: time and ids
 * arrive inside the command.
 */
export interface Decider<Command, Event, State> {
  initialState: () => State;
  /** Returns the state after the event; never changes the state it is given. */
  evolve: (state: State, event: Event) => State;
  /** Optional: the same as applying evolve to each event in turn, but faster for many (one draft for all). */
  evolveAll?: (state: State, events: Iterable<Event>) => State;
  /** Returns the events the command produces; an empty list means "nothing changed". */
  decide: (command: Command, state: State) => Event[];
}

/** An event as the domain sees it: a discriminated union on `type` with its payload. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve' | 'evolveAll'>, events: Iterable<Event>, from?: State): State {
  if (decider.evolveAll) return decider.evolveAll(from ?? decider.initialState(), events);
  let state = from ?? decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Compile-time exhaustiveness check for switches over unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

/**
 * The `type`s of an event union as a set, from an object that must name each exactly
 * once: the compiler refuses a type left out and a type that is not in the union, so a
 * new event cannot be forgotten by the lists that route and audit events.
 */
export function eventTypes<Event extends { type: string }>(types: Record<Event['type'], true>): ReadonlySet<Event['type']> {
  return new Set(Object.keys(types) as Event['type'][]);
}
