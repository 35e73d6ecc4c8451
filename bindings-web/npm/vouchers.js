// CBDC vouchers: the wallet side, the shop, and an issuer for tests and pilots. Every method is
// the core's (see jigap_wasm.d.ts), returning a Promise and committing to the wallet's store.
import * as wasm from './jigap_wasm.js';
import { mirror, sync } from './internal.js';

/** jigap's demo EIP-712 domain. Use your settlement network in production. */
export const voucherDemoDomain = () => sync(() => wasm.voucherDemoDomain());

/** The voucher side of a wallet. */
export class Vouchers {
  constructor(wallet, domain) {
    this._inner = sync(() => new wasm.WasmVouchers(wallet._inner, domain));
    this._store = wallet.store;
  }
}
mirror(Vouchers, wasm.WasmVouchers);

/** A shop: signed payment requests and offline verification of payments. */
export class MerchantDesk {
  constructor(wallet, merchant, name, category, region, trustedIssuers, domain) {
    this._inner = sync(() => new wasm.WasmMerchantDesk(wallet._inner, merchant, name, category, region, trustedIssuers, domain));
    this._store = wallet.store;
  }
}
mirror(MerchantDesk, wasm.WasmMerchantDesk);

/** An issuer for tests, pilots and demos; signs with one of `wallet`'s accounts. */
export class VoucherIssuer {
  constructor(wallet, issuer, domain) {
    this._inner = sync(() => new wasm.WasmVoucherIssuer(wallet._inner, issuer, domain));
    this._store = wallet.store;
  }
}
mirror(VoucherIssuer, wasm.WasmVoucherIssuer);

// On chain (a VoucherPool): calldata for the issuer's and the shop's transactions, and the
// pool's state and events. Send the calldata with EvmWallet.sendFlow through an EvmProvider.
export const voucherPoolDeployData = (bytecode, token, currency, scale) => sync(() => wasm.voucherPoolDeployData(bytecode, token, currency, String(scale)));
export const voucherPoolFundCall = (amount) => sync(() => wasm.voucherPoolFundCall(amount));
export const voucherPoolRegisterCall = (grants) => sync(() => wasm.voucherPoolRegisterCall(grants));
export const voucherPoolSetMerchantsCall = (entries) => sync(() => wasm.voucherPoolSetMerchantsCall(entries));
export const voucherPoolRefundCall = (voucherId, amount, reference) => sync(() => wasm.voucherPoolRefundCall(voucherId, amount, reference));
export const voucherPoolReclaimCall = (voucherIds) => sync(() => wasm.voucherPoolReclaimCall(voucherIds));
export const voucherPoolEvents = (poolAddress, receipt) => sync(() => wasm.voucherPoolEvents(poolAddress, receipt));
export const voucherPoolVoucherCall = (voucherId) => sync(() => wasm.voucherPoolVoucherCall(voucherId));
export const voucherPoolVoucher = (voucherId, returnData) => sync(() => wasm.voucherPoolVoucher(voucherId, returnData));
