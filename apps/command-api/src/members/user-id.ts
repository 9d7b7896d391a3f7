import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '../shared/problem.js';

export const userNotFound = () => new ProblemException('user-not-found', 'No such user in this organization');
/** A user id in a path: anything but a UUID names no user, so it is the same 404. */
export const ParseUserId = new ParseUUIDPipe({ exceptionFactory: () => userNotFound() });
