/** The guide's exact words (Payment Management). */
export const SUSPENDED_MESSAGE = "Your organization's account is suspended. Please contact support.";
/** Told to members of an organization whose deletion waits for its purge (issue 16). */
export const BEING_DELETED_MESSAGE = 'Your organization is being deleted. Please contact support if this is a mistake.';
