// CBDC vouchers: the wallet side, the shop, and an issuer for tests and pilots.
import * as wasm from './jigap_wasm.js';
import { call, sync } from './internal.js';

/** jigap's demo EIP-712 domain. Use your settlement network in production. */
export const voucherDemoDomain = () => ({ chainId: 1, verifyingContract: '0x00000000000000000000000000000000004a6967' });

/** The voucher side of a wallet. Every method returns a Promise and commits to the store. */
export class Vouchers {
  #v; #store;
  constructor(wallet, domain) {
    this.#v = sync(() => new wasm.WasmVouchers(wallet._inner, domain));
    this.#store = wallet.store;
  }
  async setTrustedIssuers(issuers) { return call(this.#store, () => this.#v.setTrustedIssuers(issuers)); }
  async trustedIssuers() { return call(this.#store, () => this.#v.trustedIssuers()); }
  async importGrant(grant) { return call(this.#store, () => this.#v.importGrant(grant)); }
  async vouchers() { return call(this.#store, () => this.#v.vouchers()); }
  async voucher(id) { return call(this.#store, () => this.#v.voucher(id)); }
  async balances() { return call(this.#store, () => this.#v.balances()); }
  async quote(request) { return call(this.#store, () => this.#v.quote(request)); }
  async pay(request) { return call(this.#store, () => this.#v.pay(request)); }
  async applySettlement(settlement) { return call(this.#store, () => this.#v.applySettlement(settlement)); }
  async applyRefund(refund) { return call(this.#store, () => this.#v.applyRefund(refund)); }
  async releaseExpired() { return call(this.#store, () => this.#v.releaseExpired()); }
  async history(filter = {}) { return call(this.#store, () => this.#v.history(filter)); }
  async paymentStatus(redemptionHash) { return call(this.#store, () => this.#v.paymentStatus(redemptionHash)); }
  free() { this.#v.free(); }
}

/** A shop: signed payment requests and offline verification of payments. */
export class MerchantDesk {
  #m; #store;
  /** `options`: {merchant, name, category, region, trustedIssuers, domain}. */
  constructor(wallet, options) {
    this.#m = sync(() => new wasm.WasmMerchantDesk(wallet._inner, options));
    this.#store = wallet.store;
  }
  async createRequest(amount, currency = 'KRW', ttlSecs = 120) { return call(this.#store, () => this.#m.createRequest(amount, currency, ttlSecs)); }
  async accept(request, payment) { return call(this.#store, () => this.#m.accept(request, payment)); }
  free() { this.#m.free(); }
}

/** An issuer for tests, pilots and demos; signs with one of `wallet`'s accounts. */
export class VoucherIssuer {
  #i; #store;
  constructor(wallet, issuer, domain) {
    this.#i = sync(() => new wasm.WasmVoucherIssuer(wallet._inner, issuer, domain));
    this.#store = wallet.store;
  }
  async grant(spec) { return call(this.#store, () => this.#i.grant(spec)); }
  async settle(payment, rejectReason) { return call(this.#store, () => this.#i.settle(payment, rejectReason)); }
  async refund(voucherId, amount) { return call(this.#store, () => this.#i.refund(voucherId, amount)); }
  async detectDoubleSpends(payments) { return call(this.#store, () => this.#i.detectDoubleSpends(payments)); }
  free() { this.#i.free(); }
}
