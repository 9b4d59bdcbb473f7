// The web extension's stand-in for `node:crypto` (aliased in scripts/build.mjs for the browser
// bundle only): the Web Crypto API gives the same random bytes in a browser extension host.

export function randomBytes(size: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(size));
}
