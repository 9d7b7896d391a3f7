/**
 * Events are immutable, but their shapes evolve. An upcaster turns version n of an
 * event type into version n + 1; reading applies them in a chain until the latest
 * version, so deciders and projections only know the current shape.
 */
export interface StoredEventShape {
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export class UpcasterChain {
  private readonly chains = new Map<string, Map<number, Upcaster>>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` for `type`. */
  register(type: string, fromVersion: number, upcast: Upcaster): this {
    let steps = this.chains.get(type);
    if (!steps) this.chains.set(type, (steps = new Map()));
    steps.set(fromVersion, upcast);
    return this;
  }

  upcast(event: StoredEventShape): StoredEventShape {
    const steps = this.chains.get(event.type);
    if (!steps || !steps.has(event.schemaVersion)) return event;
    let { schemaVersion, data } = event;
    for (let step = steps.get(schemaVersion); step; step = steps.get(schemaVersion)) {
      data = step(data);
      schemaVersion += 1;
    }
    return { type: event.type, schemaVersion, data };
  }
}
