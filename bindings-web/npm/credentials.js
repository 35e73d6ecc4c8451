// Verifiable credentials: the holder, the verifier, and an issuer for tests and demos. Every
// method is the core's (see jigap_wasm.d.ts), returning a Promise.
import * as wasm from './jigap_wasm.js';
import { clean, mirror, sync } from './internal.js';

/** The credentials of a wallet; `options.clock` (default `Date.now`) judges validity. */
export class Credentials {
  constructor(wallet, { clock } = {}) {
    this._inner = sync(() => new wasm.WasmCredentials(wallet._inner, clock));
    this._store = wallet.store;
  }
}
mirror(Credentials, wasm.WasmCredentials);

/** A verifier: checks presentations offline against its nonce, audience, trust and status lists. */
export class CredentialVerifier {
  /** `options`: the core's CredentialVerifierOptions, and `clock` (default `Date.now`). */
  constructor({ clock, ...options }) {
    this._inner = sync(() => new wasm.WasmCredentialVerifier(clean(options), clock));
    this._store = null;
  }
}
mirror(CredentialVerifier, wasm.WasmCredentialVerifier);

/** One-shot verification: `new CredentialVerifier(options).verifyPresentation(presentation)`. */
export async function verifyPresentation(presentation, options) {
  const v = new CredentialVerifier(options);
  try {
    return await v.verifyPresentation(presentation);
  } finally {
    v.free();
  }
}

/** A credential issuer for tests and demos: Open Badges, SD-JWT VCs, JWT VCs, status lists. */
export class CredentialIssuer {
  /** `options`: {keyType ('ed25519' default, 'p256', 'secp256k1'), seed, id, kid, name, clock}. */
  constructor({ keyType, seed, id, kid, name, clock } = {}) {
    this._inner = sync(() => new wasm.WasmCredentialIssuer(keyType, seed, id, kid, name, clock));
    this._store = null;
  }
}
mirror(CredentialIssuer, wasm.WasmCredentialIssuer);
