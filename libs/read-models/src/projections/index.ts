import type { Projection } from '../projector/projection.js';
import { accountsProjection } from './accounts.projection.js';
import { membersProjection } from './members.projection.js';
import { organizationsProjection } from './organizations.projection.js';
import { ssoProvidersProjection } from './sso-providers.projection.js';
import { structureProjection } from './structure.projection.js';
import { slugsProjection } from './slugs.projection.js';
import { languagesProjection } from './languages.projection.js';
import { dictionaryProjection } from './dictionary.projection.js';
import { contentProjection } from './content.projection.js';
import { statementsProjection } from './statements.projection.js';
import { learningAnalyticsProjection } from './learning-analytics.projection.js';

export * from './accounts.projection.js';
export * from './organizations.projection.js';
export * from './members.projection.js';
export * from './sso-providers.projection.js';
export * from './structure.projection.js';
export * from './slugs.projection.js';
export * from './languages.projection.js';
export * from './dictionary.projection.js';
export * from './content.projection.js';
export * from './statements.projection.js';
export * from './learning-analytics.projection.js';

/** Every projection the service runs; the rebuild test walks this list. */
export const ALL_PROJECTIONS: Projection[] = [organizationsProjection, membersProjection, accountsProjection, ssoProvidersProjection, structureProjection, slugsProjection, languagesProjection, dictionaryProjection, contentProjection, statementsProjection, learningAnalyticsProjection];
