// Verifiable credentials: the holder, the verifier, and an issuer for tests and demos.
import * as wasm from './jigap_wasm.js';
import { call, sync } from './internal.js';

/** The credentials of a wallet: import (verified), list, present. Every method returns a Promise. */
export class Credentials {
  #c; #store;
  /** `options.clock`: a function returning milliseconds (default `Date.now`), e.g. a trusted time. */
  constructor(wallet, options = {}) {
    this.#c = sync(() => new wasm.WasmCredentials(wallet._inner, options));
    this.#store = wallet.store;
  }
  /** The wasm object, for benchmarks. */
  get _inner() { return this.#c; }
  async holderDid() { return call(this.#store, () => this.#c.holderDid()); }
  async holderJwk() { return call(this.#store, () => this.#c.holderJwk()); }
  async import(credential, options = {}) { return call(this.#store, () => this.#c.import(credential, options)); }
  async list(filter = {}) { return call(this.#store, () => this.#c.list(filter)); }
  async get(id) { return call(this.#store, () => this.#c.get(id)); }
  async delete(id) { return call(this.#store, () => this.#c.delete(id)); }
  async present(id, disclose = [], nonce, audience) { return call(this.#store, () => this.#c.present(id, disclose, nonce, audience)); }
  async presentJwtVp(ids, nonce, audience) { return call(this.#store, () => this.#c.presentJwtVp(ids, nonce, audience)); }
  async checkStatus(id, statusListCredential, options = {}) { return call(this.#store, () => this.#c.checkStatus(id, statusListCredential, options)); }
  free() { this.#c.free(); }
}

/** A verifier: checks presentations offline against its nonce, audience, trust policy and status lists. */
export class CredentialVerifier {
  #v;
  constructor(options) {
    this.#v = sync(() => new wasm.WasmCredentialVerifier(options));
  }
  /** The wasm object, for benchmarks. */
  get _inner() { return this.#v; }
  async verifyPresentation(presentation) { return call(null, () => this.#v.verifyPresentation(presentation)); }
  free() { this.#v.free(); }
}

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
  #i;
  constructor(options = {}) {
    this.#i = sync(() => new wasm.WasmCredentialIssuer(options));
  }
  get id() { return this.#i.id; }
  get kid() { return this.#i.kid; }
  get publicJwk() { return sync(() => this.#i.publicJwk); }
  async issueBadge(input) { return call(null, () => this.#i.issueBadge(input)); }
  async issueSdJwt(input) { return call(null, () => this.#i.issueSdJwt(input)); }
  async issueJwtVc(credential) { return call(null, () => this.#i.issueJwtVc(credential)); }
  async issueStatusList(input) { return call(null, () => this.#i.issueStatusList(input)); }
  free() { this.#i.free(); }
}
