import { UpcasterChain } from '../../../../libs/domain/src/index.js';

/**
 * Upcasters for stored events whose shape has changed. Every event so far is at
 * schema version 1; a future version 2 registers its step here, and both the write
 * side and the projector read through it.
 */
export const UPCASTERS = new UpcasterChain();
