import { assertNever, type Decider } from '../shared/decider.js';
import { completeBootstrap, issueBootstrapLink, registerSuperAdmin } from './bootstrapping.js';
import { changePlatformPassword } from './changing-password.js';
import { erasePlatformAccount } from './erasing-account.js';
import { completePlatformAuditorSetup, invitePlatformAuditor, removePlatformAuditor } from './managing-auditors.js';
import { evolvePlatform, type PlatformCommand, type PlatformEvent, type PlatformState } from './platform.js';

/** Routes each platform command to its use case (one file each, beside its spec). */
export function decidePlatform(command: PlatformCommand, state: PlatformState): PlatformEvent[] {
  switch (command.type) {
    case 'RegisterSuperAdmin':
      return registerSuperAdmin(command, state);
    case 'IssueBootstrapLink':
      return issueBootstrapLink(command, state);
    case 'CompleteBootstrap':
      return completeBootstrap(command, state);
    case 'InvitePlatformAuditor':
      return invitePlatformAuditor(command, state);
    case 'CompletePlatformAuditorSetup':
      return completePlatformAuditorSetup(command, state);
    case 'RemovePlatformAuditor':
      return removePlatformAuditor(command, state);
    case 'ChangePlatformPassword':
      return changePlatformPassword(command, state);
    case 'ErasePlatformAccount':
      return erasePlatformAccount(command, state);
    default:
      return assertNever(command);
  }
}

export const platformDecider: Decider<PlatformCommand, PlatformEvent, PlatformState> = {
  initialState: () => ({ status: 'platform', superAdmins: [], bootstrapLink: null, auditors: [] }),
  evolve: evolvePlatform,
  decide: decidePlatform,
};
