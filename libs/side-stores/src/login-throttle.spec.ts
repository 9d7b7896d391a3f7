import { MemoryLoginThrottle, SqliteLoginThrottle } from './login-throttle.js';
import { loginThrottleContract } from './testing/login-throttle.contract.js';

loginThrottleContract('memory', async (windowMs) => new MemoryLoginThrottle(windowMs));
loginThrottleContract('SQLite (embedded)', async (windowMs) => new SqliteLoginThrottle(':memory:', windowMs));
