/**
 * Ed25519 verification of Discord's interaction requests (HTTP mode), with node:crypto.
 * Discord signs `timestamp + raw body` with the application's key; the public key is
 * shown in the Developer Portal as 64 hex characters.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { UserError } from '../../reply/errors.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class PublicKeyError extends UserError {}

/** Parse the portal's hex public key; throws PublicKeyError with a sentence for the operator. */
export function parsePublicKey(hex: string): KeyObject {
  const trimmed = hex.trim();
  if (!/^[0-9a-f]{64}$/i.test(trimmed)) {
    throw new PublicKeyError('DISCORD_PUBLIC_KEY must be the 64 hex characters shown as "Public Key" in the Discord Developer Portal.');
  }
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(trimmed, 'hex')]), format: 'der', type: 'spki' });
}

/** True when `signatureHex` is a valid signature of timestamp + body under `key`. */
export function verifyDiscordSignature(key: KeyObject, signatureHex: string | undefined, timestamp: string | undefined, body: Buffer): boolean {
  if (!signatureHex || !timestamp || !/^[0-9a-f]{128}$/i.test(signatureHex)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
