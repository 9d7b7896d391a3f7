import { assertNever, type Decider, type DomainEvent } from '../shared/decider.js';

/**
 * Reading sensitive data is itself recorded (multi-tenant guide, Audit Logging: "data
 * accessed"). The records go to a stream of their own per organization, so reading
 * never moves the organization's revision and never conflicts with its edits.
 */
export type DataAccessCommand = { type: 'RecordDataAccess'; data: { organizationId: string; what: DataAccessed['data']['what']; detail: Record<string, unknown> } };

export type DataAccessed = DomainEvent<
  'DataAccessed',
  /** `ip-refused`: a request from outside the organization's IP ranges, refused (issue 20). */
  { organizationId: string; what: 'member-list-export' | 'audit-export' | 'audit-log-view' | 'ip-refused' | 'personal-data-export'; detail: Record<string, unknown> }
>;

export const accessStreamName = (organizationId: string): string => `access-${organizationId}`;

export interface DataAccessState {
  status: 'log';
  count: number;
}

export const dataAccessDecider: Decider<DataAccessCommand, DataAccessed, DataAccessState> = {
  initialState: () => ({ status: 'log', count: 0 }),
  // The count is all a record needs to know: every access is appended, none refused.
  evolve: (state) => ({ ...state, count: state.count + 1 }),
  decide: (command) => {
    switch (command.type) {
      case 'RecordDataAccess':
        return [{ type: 'DataAccessed', data: { ...command.data } }];
      default:
        return assertNever(command.type);
    }
  },
};
