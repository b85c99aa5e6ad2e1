/**
 * Redis connections of the queue commands. Every client retries forever with a capped back-off, so
 * a worker or a waiting `study kl` rides out a Redis restart; commands issued meanwhile wait for the
 * reconnection (`maxRetriesPerRequest: null`, which BullMQ requires of its workers).
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisTarget } from './redis-url.js';

/** Longest pause between reconnection attempts, ms. */
export const MAX_RECONNECT_DELAY_MS = 2000;
/** First reconnection pause, ms (grows linearly with the attempt up to the cap). */
const RECONNECT_STEP_MS = 100;

/** Reconnection delay of attempt `times` (1, 2, …): linear, capped. */
export function reconnectDelay(times: number): number {
  return Math.min(RECONNECT_STEP_MS * times, MAX_RECONNECT_DELAY_MS);
}

/** ioredis/BullMQ connection options for a target (the URL carries host, port, db, password and TLS). */
export function connectionOptions(target: RedisTarget): RedisOptions {
  return { url: target.url, maxRetriesPerRequest: null, retryStrategy: reconnectDelay, enableReadyCheck: true };
}

/**
 * A plain ioredis client for tfjs-bnn's own keys. Close it with `quit()`.
 * @param onEvent receives connection errors, a line when the connection is lost and one when it is
 *   back (`'redis connection lost; reconnecting'`, `'redis connection restored'`).
 */
export function createRedisClient(target: RedisTarget, onEvent: (message: string) => void): Redis {
  const client = new Redis(target.url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
  let lost = false;
  client.on('error', (error: Error) => onEvent(error.message));
  client.on('reconnecting', () => {
    if (!lost) onEvent('redis connection lost; reconnecting');
    lost = true;
  });
  client.on('ready', () => {
    if (lost) onEvent('redis connection restored');
    lost = false;
  });
  return client;
}
