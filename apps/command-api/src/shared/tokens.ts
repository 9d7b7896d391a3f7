/** Injection tokens for the ports, so handlers depend on interfaces, not adapters. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_STORE = Symbol('READ_STORE');
export const PROJECTION_PROGRESS = Symbol('PROJECTION_PROGRESS');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const SESSION_STORE = Symbol('SESSION_STORE');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const APP_LOGGER = Symbol('APP_LOGGER');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const SECRET_BOX = Symbol('SECRET_BOX');
export const MAILER = Symbol('MAILER');
export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');
export const AUDIT_LOG = Symbol('AUDIT_LOG');
export const ONE_TIME_STORE = Symbol('ONE_TIME_STORE');
