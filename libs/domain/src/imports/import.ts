import { assertNever, eventTypes, type Decider, type DomainEvent } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import type { ImportTotals } from '../members/importing.js';

/**
 * One member import (issue 17), its own stream (`import-<id>`): planned by a dry run,
 * then applied in batches whose progress is recorded, so an apply that stops (a crash,
 * a restart) resumes where it was. The file and the plan are kept outside the log (the
 * blob store), addressed by their SHA-256 here.
 */
export type ImportCommand =
  | { type: 'PlanImport'; data: { importId: string; organizationId: string; fileName: string | null; fileSha256: string; planSha256: string; totals: ImportTotals; now: string } }
  | { type: 'StartImport'; data: { now: string } }
  | { type: 'RecordImportProgress'; data: { processed: number } }
  | { type: 'CompleteImport'; data: { now: string; created: number; updated: number } };

export type ImportEvent =
  | DomainEvent<'ImportPlanned', { importId: string; organizationId: string; fileName: string | null; fileSha256: string; planSha256: string; totals: ImportTotals; plannedAt: string }>
  | DomainEvent<'ImportStarted', { importId: string; organizationId: string; startedAt: string }>
  | DomainEvent<'ImportProgressed', { importId: string; organizationId: string; processed: number }>
  | DomainEvent<'ImportCompleted', { importId: string; organizationId: string; completedAt: string; created: number; updated: number }>;

export const IMPORT_EVENT_TYPES = eventTypes<ImportEvent>({ ImportPlanned: true, ImportStarted: true, ImportProgressed: true, ImportCompleted: true });

export type ImportState =
  | { status: 'absent' }
  | {
      status: 'planned' | 'applying' | 'applied';
      importId: string;
      organizationId: string;
      fileSha256: string;
      planSha256: string;
      totals: ImportTotals;
      /** Rows of the plan gone through so far (applied, or found done). */
      processed: number;
    };

export const importStreamName = (importId: string): string => `import-${importId}`;

const notFound = () => new DomainError('import-not-found', 'No such import in this organization');

export function decideImport(command: ImportCommand, state: ImportState): ImportEvent[] {
  if (command.type === 'PlanImport') {
    if (state.status !== 'absent') throw new DomainError('import-already-exists', 'An import with this id already exists');
    const { now, ...data } = command.data;
    return [{ type: 'ImportPlanned', data: { ...data, plannedAt: now } }];
  }
  if (state.status === 'absent') throw notFound();
  const ids = { importId: state.importId, organizationId: state.organizationId };
  switch (command.type) {
    case 'StartImport':
      // Applying again resumes an apply under way, and does nothing once it is done.
      return state.status === 'planned' ? [{ type: 'ImportStarted', data: { ...ids, startedAt: command.data.now } }] : [];
    case 'RecordImportProgress':
      if (state.status !== 'applying') throw new DomainError('import-not-applying', 'This import is not being applied');
      return command.data.processed > state.processed ? [{ type: 'ImportProgressed', data: { ...ids, processed: command.data.processed } }] : [];
    case 'CompleteImport':
      if (state.status !== 'applying') return [];
      return [{ type: 'ImportCompleted', data: { ...ids, completedAt: command.data.now, created: command.data.created, updated: command.data.updated } }];
    default:
      return assertNever(command);
  }
}

export function evolveImport(state: ImportState, event: ImportEvent): ImportState {
  switch (event.type) {
    case 'ImportPlanned': {
      const { importId, organizationId, fileSha256, planSha256, totals } = event.data;
      return { status: 'planned', importId, organizationId, fileSha256, planSha256, totals, processed: 0 };
    }
    case 'ImportStarted':
      return state.status === 'absent' ? state : { ...state, status: 'applying' };
    case 'ImportProgressed':
      return state.status === 'absent' ? state : { ...state, processed: event.data.processed };
    case 'ImportCompleted':
      return state.status === 'absent' ? state : { ...state, status: 'applied', processed: state.totals.rows };
    default:
      return assertNever(event);
  }
}

export const importDecider: Decider<ImportCommand, ImportEvent, ImportState> = {
  initialState: () => ({ status: 'absent' }),
  evolve: evolveImport,
  decide: decideImport,
};
