/**
 * Redis URLs of the queue commands: `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS).
 * The password never reaches a log line or a report: `maskRedisUrl` replaces it by `***`.
 */
import { InvalidArgumentError } from '../../src/errors.js';

/** Protocols accepted: plain TCP and TLS. */
const REDIS_PROTOCOLS = ['redis:', 'rediss:'] as const;
/** What replaces a password in printed URLs. */
const PASSWORD_MASK = '***';

/** A checked Redis URL: the full text (for the client only) and the masked text (for people). */
export interface RedisTarget {
  /** The URL as given; pass it to the Redis client, never print it. */
  readonly url: string;
  /** The URL with its password replaced by `***` (safe to log). */
  readonly masked: string;
  /** Whether the connection uses TLS (`rediss://`). */
  readonly tls: boolean;
  /** The password, when the URL has one (to mask it inside other text, e.g. a client error). */
  readonly password: string | undefined;
}

/**
 * The URL with its password (and a password-only user part) masked. Text that is not a URL is
 * replaced entirely by `<unparsable redis URL>`, since it may hold a secret.
 */
export function maskRedisUrl(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return '<unparsable redis URL>';
  }
  if (parsed.password !== '') parsed.password = PASSWORD_MASK;
  else if (parsed.username !== '' && parsed.protocol.startsWith('redis')) {
    // `redis://secret@host` is ioredis's password-only form: the "user" is the password.
    parsed.username = PASSWORD_MASK;
  }
  for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, PASSWORD_MASK);
  return parsed.toString();
}

/**
 * Parses and checks a Redis URL.
 * @param where the command, for the error message.
 * @throws InvalidArgumentError (with the URL masked) when it is not a `redis://` or `rediss://` URL with a host.
 */
export function parseRedisUrl(text: string | undefined, where: string, argument = '--redis'): RedisTarget {
  const expected = 'a URL redis://[user:password@]host[:port][/db] or rediss://… (TLS)';
  if (text === undefined) throw new InvalidArgumentError(where, argument, undefined, `${expected} (it is required)`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new InvalidArgumentError(where, argument, maskRedisUrl(text), expected);
  }
  if (!(REDIS_PROTOCOLS as readonly string[]).includes(parsed.protocol) || parsed.hostname === '') {
    throw new InvalidArgumentError(where, argument, maskRedisUrl(text), expected);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new InvalidArgumentError(where, argument, maskRedisUrl(text), `${expected} (the path, if any, a database number)`);
  const password =
    parsed.password !== '' ? decodeURIComponent(parsed.password) : parsed.username !== '' ? decodeURIComponent(parsed.username) : undefined;
  return { url: text, masked: maskRedisUrl(text), tls: parsed.protocol === 'rediss:', password };
}

/** `text` with every occurrence of the target's password and full URL masked (for client error messages). */
export function maskSecrets(text: string, target: RedisTarget): string {
  let masked = text.split(target.url).join(target.masked);
  if (target.password !== undefined && target.password.length > 0) masked = masked.split(target.password).join(PASSWORD_MASK);
  return masked;
}
