import { MemoryLoginThrottle } from './login-throttle.js';
import { loginThrottleContract } from './testing/login-throttle.contract.js';

loginThrottleContract('memory', async (windowMs) => new MemoryLoginThrottle(windowMs));
