//! Ethereum for JavaScript: `WasmEvmWallet` and `WasmSendFlow` over the core's, the ABI and
//! token helpers, and the request bodies and reply parsers the npm package's `EvmProvider`
//! sends with `fetch`.

use jigap_core::bind::Bytes32;
use jigap_core::evm::{
    self as e, HexData, KnownToken, SignedTransaction, TokenStandard, Transaction, U256, abi, erc,
    rpc,
};
use jigap_core::keys::Address;
use wasm_bindgen::prelude::*;

use crate::convert::{Js, JsResult, from_js, json_text, parse, to_js};
use crate::wallet::WasmWallet;

/// A wallet on one EVM chain.
#[wasm_bindgen]
pub struct WasmEvmWallet {
    inner: e::EvmWallet,
}

#[wasm_bindgen]
impl WasmEvmWallet {
    /// `wallet` on chain `chainId` (never 0), whose currency is `nativeSymbol` (default ETH).
    #[wasm_bindgen(constructor)]
    pub fn new(
        wallet: &WasmWallet,
        #[wasm_bindgen(js_name = chainId)] chain_id: u64,
        #[wasm_bindgen(js_name = nativeSymbol)] native_symbol: Option<String>,
    ) -> Result<WasmEvmWallet, JsValue> {
        let inner = e::EvmWallet::new(
            wallet.core().clone(),
            chain_id,
            native_symbol.as_deref().unwrap_or("ETH"),
        )
        .js()?;
        Ok(WasmEvmWallet { inner })
    }

    /// The configured chain.
    #[wasm_bindgen(js_name = chainId)]
    pub fn chain_id(&self) -> u64 {
        self.inner.chain_id()
    }

    /// Tokens whose symbols and decimals explanations use.
    #[wasm_bindgen(js_name = setKnownTokens)]
    pub fn set_known_tokens(
        &self,
        #[wasm_bindgen(unchecked_param_type = "KnownToken[]")] tokens: JsValue,
    ) -> Result<(), JsValue> {
        self.inner.set_known_tokens(from_js(tokens, "tokens")?);
        Ok(())
    }

    /// The known tokens.
    #[wasm_bindgen(js_name = knownTokens, unchecked_return_type = "KnownToken[]")]
    pub fn known_tokens(&self) -> JsResult {
        to_js(&self.inner.known_tokens())
    }

    /// What `tx` does, in Korean and English.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Transaction")] tx: JsValue,
    ) -> JsResult {
        to_js(
            &self
                .inner
                .explain(&from_js::<Transaction>(tx, "transaction")?),
        )
    }

    /// Sign `tx` as `from`; refused for another chain.
    #[wasm_bindgen(unchecked_return_type = "SignedTransaction")]
    pub fn sign(
        &self,
        from: String,
        #[wasm_bindgen(unchecked_param_type = "Transaction")] tx: JsValue,
    ) -> JsResult {
        let tx: Transaction = from_js(tx, "transaction")?;
        to_js(&self.inner.sign(&parse::<Address>(&from)?, &tx).js()?)
    }

    /// Decode a raw signed transaction of this chain.
    #[wasm_bindgen(unchecked_return_type = "SignedTransaction")]
    pub fn decode(&self, raw: String) -> JsResult {
        to_js(&self.inner.decode(&parse::<HexData>(&raw)?.0).js()?)
    }

    /// Transactions sent without a receipt yet (of `from`, or of every account).
    #[wasm_bindgen(unchecked_return_type = "PendingTransaction[]")]
    pub fn pending(&self, from: Option<String>) -> JsResult {
        let from = from.map(|f| parse::<Address>(&f)).transpose()?;
        to_js(&self.inner.pending(from.as_ref()).js()?)
    }

    /// Remember a transaction the app sent with its own code.
    #[wasm_bindgen(js_name = recordSent)]
    pub fn record_sent(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignedTransaction")] signed: JsValue,
        replaces: Option<String>,
    ) -> Result<(), JsValue> {
        let signed: SignedTransaction = from_js(signed, "signed transaction")?;
        let replaces = replaces.map(|h| parse::<Bytes32>(&h)).transpose()?;
        self.inner.record_sent(&signed, replaces).js()
    }

    /// The `eth_getTransactionReceipt` body for `hash`.
    #[wasm_bindgen(js_name = receiptRequest)]
    pub fn receipt_request(&self, hash: String) -> Result<String, JsValue> {
        Ok(self.inner.receipt_request(&parse::<Bytes32>(&hash)?))
    }

    /// Read a receipt reply (`undefined`: not mined yet); a mined one leaves the pending list.
    #[wasm_bindgen(js_name = onReceipt, unchecked_return_type = "Receipt | undefined")]
    pub fn on_receipt(&self, reply: String) -> JsResult {
        to_js(&self.inner.on_receipt(&reply).js()?)
    }

    /// A send: the node fills it in, the app shows the proposal, approve, send.
    #[wasm_bindgen(js_name = sendFlow)]
    pub fn send_flow(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendIntent")] intent: JsValue,
    ) -> Result<WasmSendFlow, JsValue> {
        Ok(WasmSendFlow {
            inner: self.inner.send_flow(from_js(intent, "intent")?),
        })
    }

    /// Replace pending `hash` at a higher fee.
    #[wasm_bindgen(js_name = speedUpFlow)]
    pub fn speed_up_flow(&self, hash: String) -> Result<WasmSendFlow, JsValue> {
        Ok(WasmSendFlow {
            inner: self.inner.speed_up_flow(&parse::<Bytes32>(&hash)?).js()?,
        })
    }

    /// Replace pending `hash` with a 0-value transfer to the sender.
    #[wasm_bindgen(js_name = cancelFlow)]
    pub fn cancel_flow(&self, hash: String) -> Result<WasmSendFlow, JsValue> {
        Ok(WasmSendFlow {
            inner: self.inner.cancel_flow(&parse::<Bytes32>(&hash)?).js()?,
        })
    }
}

/// One send, step by step: POST `nextRequest()`, pass the reply to `onReply`, until
/// `proposal()`; then `approve()` (or `decline()`) and the same again until `signed()`.
#[wasm_bindgen]
pub struct WasmSendFlow {
    inner: e::SendFlow,
}

#[wasm_bindgen]
impl WasmSendFlow {
    /// The body to POST now, or `undefined`.
    #[wasm_bindgen(js_name = nextRequest)]
    pub fn next_request(&self) -> Option<String> {
        self.inner.next_request()
    }

    /// The reply to the last request.
    #[wasm_bindgen(js_name = onReply)]
    pub fn on_reply(&mut self, reply: String) -> Result<(), JsValue> {
        self.inner.on_reply(&reply).js()
    }

    /// The filled-in transaction and its explanation.
    #[wasm_bindgen(unchecked_return_type = "Proposal | undefined")]
    pub fn proposal(&self) -> JsResult {
        to_js(&self.inner.proposal())
    }

    /// Sign the proposal (the next request sends it).
    pub fn approve(&mut self) -> Result<(), JsValue> {
        self.inner.approve().js()
    }

    /// Decline: nothing is signed; throws the `Refused` error to show.
    pub fn decline(&mut self) -> Result<(), JsValue> {
        Err(self.inner.decline()).js()
    }

    /// The signed transaction, once the node has it.
    #[wasm_bindgen(unchecked_return_type = "SignedTransaction | undefined")]
    pub fn signed(&self) -> JsResult {
        to_js(&self.inner.signed())
    }
}

/// Decode any raw signed transaction (`expectedChain`: refuse another chain's).
#[wasm_bindgen(js_name = evmDecodeRaw, unchecked_return_type = "SignedTransaction")]
pub fn evm_decode_raw(
    raw: String,
    #[wasm_bindgen(js_name = expectedChain)] expected_chain: Option<u64>,
) -> JsResult {
    to_js(&e::decode_raw(&parse::<HexData>(&raw)?.0, expected_chain).js()?)
}

/// What a transaction does, with the tokens the app knows.
#[wasm_bindgen(js_name = evmExplain, unchecked_return_type = "Explanation")]
pub fn evm_explain(
    #[wasm_bindgen(unchecked_param_type = "Transaction")] tx: JsValue,
    #[wasm_bindgen(unchecked_param_type = "KnownToken[]")] tokens: JsValue,
    #[wasm_bindgen(js_name = nativeSymbol)] native_symbol: Option<String>,
) -> JsResult {
    let tx: Transaction = from_js(tx, "transaction")?;
    let tokens: Vec<KnownToken> = from_js(tokens, "tokens")?;
    to_js(&e::explain::explain(
        &tx,
        &tokens,
        native_symbol.as_deref().unwrap_or("ETH"),
    ))
}

/// The 4-byte selector of a function signature, `0x` hex.
#[wasm_bindgen(js_name = abiSelector)]
pub fn abi_selector(signature: String) -> String {
    HexData(abi::selector(&signature).to_vec()).to_string()
}

/// ABI-encode `values` (an array; big integers as decimal or 0x text) as `types`.
#[wasm_bindgen(js_name = abiEncode)]
pub fn abi_encode(types: Vec<String>, values: JsValue) -> Result<String, JsValue> {
    Ok(HexData(abi::encode_json(&types, &json_text(&values)?).js()?).to_string())
}

/// ABI-decode `data` as `types`: an array (integers as decimal text).
#[wasm_bindgen(js_name = abiDecode)]
pub fn abi_decode(types: Vec<String>, data: String) -> JsResult {
    let json = abi::decode_json(&types, &parse::<HexData>(&data)?.0).js()?;
    js_sys::JSON::parse(&json)
}

/// Calldata of `signature` with `values`.
#[wasm_bindgen(js_name = abiEncodeCall)]
pub fn abi_encode_call(signature: String, values: JsValue) -> Result<String, JsValue> {
    Ok(HexData(abi::encode_call_json(&signature, &json_text(&values)?).js()?).to_string())
}

/// ERC-20 `transfer(to, amount)` calldata.
#[wasm_bindgen(js_name = erc20TransferData)]
pub fn erc20_transfer_data(to: String, amount: String) -> Result<String, JsValue> {
    Ok(HexData(erc::erc20_transfer(&parse(&to)?, parse::<U256>(&amount)?)).to_string())
}

/// `approve(spender, amount or token id)` calldata.
#[wasm_bindgen(js_name = erc20ApproveData)]
pub fn erc20_approve_data(spender: String, amount: String) -> Result<String, JsValue> {
    Ok(HexData(erc::erc20_approve(
        &parse(&spender)?,
        parse::<U256>(&amount)?,
    ))
    .to_string())
}

/// ERC-721 `safeTransferFrom(from, to, tokenId)` calldata.
#[wasm_bindgen(js_name = erc721SafeTransferData)]
pub fn erc721_safe_transfer_data(
    from: String,
    to: String,
    #[wasm_bindgen(js_name = tokenId)] token_id: String,
) -> Result<String, JsValue> {
    Ok(HexData(erc::erc721_safe_transfer_from(
        &parse(&from)?,
        &parse(&to)?,
        parse::<U256>(&token_id)?,
    ))
    .to_string())
}

/// A token event in a log (`undefined` for any other log).
#[wasm_bindgen(js_name = evmDecodeTokenEvent, unchecked_return_type = "TokenEvent | undefined")]
pub fn evm_decode_token_event(
    #[wasm_bindgen(unchecked_param_type = "Log")] log: JsValue,
) -> JsResult {
    to_js(&erc::decode_event(&from_js(log, "log")?))
}

/// An amount in whole units in the smallest unit of `decimals`.
#[wasm_bindgen(js_name = evmParseUnits)]
pub fn evm_parse_units(amount: String, decimals: u8) -> Result<String, JsValue> {
    Ok(U256::parse_units(&amount, decimals).js()?.to_string())
}

/// An amount in the smallest unit, in whole units with separators.
#[wasm_bindgen(js_name = evmFormatUnits)]
pub fn evm_format_units(value: String, decimals: u8) -> Result<String, JsValue> {
    Ok(parse::<U256>(&value)?.format_units(decimals))
}

/// The body asking for the balance of `owner` (wei, or `token`'s units).
#[wasm_bindgen(js_name = evmBalanceRequest)]
pub fn evm_balance_request(owner: String, token: Option<String>) -> Result<String, JsValue> {
    let token = token.map(|t| parse::<Address>(&t)).transpose()?;
    Ok(rpc::read::balance_request(&parse(&owner)?, token.as_ref()))
}

/// The balance in a reply to `evmBalanceRequest`.
#[wasm_bindgen(js_name = evmParseBalance)]
pub fn evm_parse_balance(reply: String, token: bool) -> Result<String, JsValue> {
    Ok(rpc::read::parse_balance(&reply, token).js()?.to_string())
}

/// The batch body asking a token for its symbol and decimals.
#[wasm_bindgen(js_name = evmTokenRequest)]
pub fn evm_token_request(token: String) -> Result<String, JsValue> {
    Ok(rpc::read::token_request(&parse(&token)?))
}

/// The token in a reply to `evmTokenRequest`.
#[wasm_bindgen(js_name = evmParseToken, unchecked_return_type = "KnownToken")]
pub fn evm_parse_token(
    reply: String,
    token: String,
    #[wasm_bindgen(unchecked_param_type = "TokenStandard")] standard: JsValue,
) -> JsResult {
    let standard: TokenStandard = from_js(standard, "standard")?;
    to_js(&rpc::read::parse_token(&reply, &parse(&token)?, standard).js()?)
}

/// The `eth_call` body for `data` to `to`.
#[wasm_bindgen(js_name = evmCallRequest)]
pub fn evm_call_request(to: String, data: String) -> Result<String, JsValue> {
    Ok(rpc::call(
        1,
        None,
        &parse(&to)?,
        &parse::<HexData>(&data)?.0,
    ))
}

/// The return data in a reply to `evmCallRequest`, `0x` hex.
#[wasm_bindgen(js_name = evmParseCall)]
pub fn evm_parse_call(reply: String) -> Result<String, JsValue> {
    Ok(HexData(rpc::read::parse_call(&reply).js()?).to_string())
}

/// The batch body asking for today's fees.
#[wasm_bindgen(js_name = evmFeesRequest)]
pub fn evm_fees_request() -> String {
    rpc::read::fees_request()
}

/// Slow, normal and fast fees in a reply to `evmFeesRequest`.
#[wasm_bindgen(js_name = evmParseFees, unchecked_return_type = "FeeSuggestion")]
pub fn evm_parse_fees(reply: String) -> JsResult {
    to_js(&rpc::read::parse_fees(&reply).js()?)
}

/// The `eth_getLogs` body for the token events of `contract` since `fromBlock`.
#[wasm_bindgen(js_name = evmTokenEventsRequest)]
pub fn evm_token_events_request(
    contract: String,
    #[wasm_bindgen(js_name = fromBlock)] from_block: Option<u64>,
) -> Result<String, JsValue> {
    Ok(rpc::read::token_events_request(
        &parse(&contract)?,
        from_block.unwrap_or(0),
    ))
}

/// The token events in a reply to `evmTokenEventsRequest`.
#[wasm_bindgen(js_name = evmParseTokenEvents, unchecked_return_type = "TokenEvent[]")]
pub fn evm_parse_token_events(reply: String) -> JsResult {
    to_js(&rpc::read::parse_token_events(&reply).js()?)
}
