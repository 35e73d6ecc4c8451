// Ethereum: a wallet on one chain, its send flows, and EvmProvider, which moves the core's
// JSON-RPC bodies with fetch. Every rule (chain checks, nonces, fees, gas, explanations, typed
// errors) is the core's; this file only carries bytes and awaits.
import * as wasm from './jigap_wasm.js';
import { JigapError, call, mirror, sync } from './internal.js';

/** A wallet on one EVM chain: signs, explains, keeps its pending transactions. */
export class EvmWallet {
  constructor(wallet, chainId, nativeSymbol) {
    this._inner = sync(() => new wasm.WasmEvmWallet(wallet._inner, BigInt(chainId), nativeSymbol));
    this._store = wallet.store;
  }

  /** A send of `intent`; run it with `provider.prepare(flow)` then `provider.submit(flow)`. */
  sendFlow(intent) { return new SendFlow(sync(() => this._inner.sendFlow(intent)), this._store); }
  /** Replace pending `hash` at a higher fee. */
  speedUpFlow(hash) { return new SendFlow(sync(() => this._inner.speedUpFlow(hash)), this._store); }
  /** Replace pending `hash` with a 0-value transfer to the sender. */
  cancelFlow(hash) { return new SendFlow(sync(() => this._inner.cancelFlow(hash)), this._store); }
}
mirror(EvmWallet, wasm.WasmEvmWallet, ['chainId', 'setKnownTokens', 'knownTokens', 'explain', 'decode', 'receiptRequest']);

/** One send: `nextRequest()` / `onReply()` until `proposal()`, then `approve()` or `decline()`. */
export class SendFlow {
  constructor(inner, store) {
    this._inner = inner;
    this._store = store;
  }
  nextRequest() { return sync(() => this._inner.nextRequest()); }
  proposal() { return sync(() => this._inner.proposal()); }
  signed() { return sync(() => this._inner.signed()); }
  approve() { return sync(() => this._inner.approve()); }
  decline() { return sync(() => this._inner.decline()); }
  /** Committed to the wallet's store: the reply to a send records the pending transaction. */
  async onReply(reply) { return call(this._store, () => this._inner.onReply(reply)); }
  free() { this._inner.free(); }
  [Symbol.dispose]() { this._inner.free(); }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A node's JSON-RPC endpoint, reached with `fetch` (or the one given). */
export class EvmProvider {
  constructor(url, { fetch: f = globalThis.fetch } = {}) {
    this.url = url;
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method.
    this._fetch = (url, init) => f(url, init);
  }

  /** POST one body; the reply body. A node out of reach is a `Network` JigapError. */
  async request(body) {
    let r;
    try {
      r = await this._fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    } catch (e) {
      throw new JigapError('Network', `the node could not be reached: ${this.url}: ${e?.message ?? e}; check the RPC URL and the network, then try again`);
    }
    return r.text();
  }

  /** Send the flow's requests until it waits for approval (or is done); the proposal to show. */
  async prepare(flow) {
    for (let body; (body = flow.nextRequest()) !== undefined;) await flow.onReply(await this.request(body));
    return flow.proposal();
  }

  /** The person approved: sign, send; the signed transaction. */
  async submit(flow) {
    flow.approve();
    await this.prepare(flow);
    return flow.signed();
  }

  /** prepare → `approve(proposal)` (true to sign) → submit. Declining throws a `Refused` error. */
  async send(flow, approve) {
    const proposal = await this.prepare(flow);
    if (!(await approve(proposal))) flow.decline();
    return this.submit(flow);
  }

  /** Apply what the vouchers' pool says since the last sync (settled payments, refunds,
   * reclaims); the ChainSync. */
  async syncVouchers(vouchers) {
    return vouchers.applyChainSyncReply(await this.request(await vouchers.chainSyncRequest()));
  }

  /** Each of the wallet's vouchers beside the pool's view of it. */
  async voucherChainState(vouchers) {
    return vouchers.parseChainState(await this.request(await vouchers.chainStateRequest()));
  }

  /** Poll for the receipt of `hash` (undefined after `timeoutMs`). */
  async waitForReceipt(evm, hash, { pollMs = 500, timeoutMs = 120_000 } = {}) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const receipt = await evm.onReceipt(await this.request(evm.receiptRequest(hash)));
      if (receipt !== undefined) return receipt;
      if (Date.now() >= end) return undefined;
      await sleep(pollMs);
    }
  }

  /** The balance of `owner` in wei, or in ERC-20 `token`'s smallest units (decimal text). */
  async balance(owner, token) {
    const reply = await this.request(sync(() => wasm.evmBalanceRequest(owner, token)));
    return sync(() => wasm.evmParseBalance(reply, token !== undefined));
  }

  /** A token's symbol and decimals, read from its contract (`standard`: 'Erc20' or 'Erc721'). */
  async tokenInfo(token, standard = 'Erc20') {
    const reply = await this.request(sync(() => wasm.evmTokenRequest(token)));
    return sync(() => wasm.evmParseToken(reply, token, standard));
  }

  /** Slow, normal and fast fees from the node's recent blocks. */
  async fees() {
    const reply = await this.request(wasm.evmFeesRequest());
    return sync(() => wasm.evmParseFees(reply));
  }

  /** The token events (`Transfer`, `Approval`, `ApprovalForAll`) of `contract` since `fromBlock`. */
  async tokenEvents(contract, fromBlock = 0) {
    const reply = await this.request(sync(() => wasm.evmTokenEventsRequest(contract, BigInt(fromBlock))));
    return sync(() => wasm.evmParseTokenEvents(reply));
  }

  /** `eth_call`: the return data, `0x` hex. */
  async call(to, data) {
    const reply = await this.request(sync(() => wasm.evmCallRequest(to, data)));
    return sync(() => wasm.evmParseCall(reply));
  }
}

export const evmDecodeRaw = (raw, expectedChain) => sync(() => wasm.evmDecodeRaw(raw, expectedChain === undefined ? undefined : BigInt(expectedChain)));
export const evmExplain = (tx, tokens = [], nativeSymbol) => sync(() => wasm.evmExplain(tx, tokens, nativeSymbol));
export const evmDecodeTokenEvent = (log) => sync(() => wasm.evmDecodeTokenEvent(log));
export const evmParseUnits = (amount, decimals) => sync(() => wasm.evmParseUnits(amount, decimals));
export const evmFormatUnits = (value, decimals) => sync(() => wasm.evmFormatUnits(value, decimals));
export const abiSelector = (signature) => sync(() => wasm.abiSelector(signature));
export const abiEncode = (types, values) => sync(() => wasm.abiEncode(types, values));
export const abiDecode = (types, data) => sync(() => wasm.abiDecode(types, data));
export const abiEncodeCall = (signature, values) => sync(() => wasm.abiEncodeCall(signature, values));
export const erc20TransferData = (to, amount) => sync(() => wasm.erc20TransferData(to, amount));
export const erc20ApproveData = (spender, amount) => sync(() => wasm.erc20ApproveData(spender, amount));
export const erc721SafeTransferData = (from, to, tokenId) => sync(() => wasm.erc721SafeTransferData(from, to, tokenId));
