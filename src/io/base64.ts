/** Base64 (RFC 4648) of bytes and back, without Node's Buffer, so that it runs in browsers too. */
import { FormatError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with `=` padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const remaining = bytes.length - i;
    parts.push(
      ALPHABET[(n >> 18) & 63] +
        ALPHABET[(n >> 12) & 63] +
        (remaining > 1 ? ALPHABET[(n >> 6) & 63] : '=') +
        (remaining > 2 ? ALPHABET[n & 63] : '='),
    );
  }
  return parts.join('');
}

/**
 * Decodes standard base64 (padding optional). `source` names the text in errors.
 * @throws FormatError on a character outside the alphabet or an impossible length.
 */
export function base64ToBytes(text: string, source = 'base64 text'): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1)
    throw new FormatError(`base64ToBytes: ${source} has ${clean.length} characters without padding; a multiple of 4 (padded) is expected.`);
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const digit = code < 128 ? LOOKUP[code] : -1;
    if (digit < 0) throw new FormatError(`base64ToBytes: ${source} has '${clean[i]}' at position ${i}, outside the base64 alphabet.`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
