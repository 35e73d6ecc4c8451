//! Transactions: legacy with EIP-155 replay protection, EIP-2930 (access lists) and EIP-1559
//! (dynamic fees); signing hashes, signing, raw encoding, and decoding a raw signed transaction
//! back to its fields and sender.

use serde::{Deserialize, Serialize};

use super::rlp::{self, Item};
use super::types::de_u64;
use super::{EvmError, HexData, U256};
use crate::bind::Bytes32;
use crate::keys::{Address, DigestSigner, Signature};
use crate::util::keccak256;

/// One entry of an EIP-2930 access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct AccessListItem {
    /// The contract.
    pub address: Address,
    /// Its storage slots.
    pub storage_keys: Vec<Bytes32>,
}

/// An unsigned transaction, as `eth_sendTransaction` JSON names its fields: `type` 0 (legacy,
/// EIP-155), 1 (EIP-2930) or 2 (EIP-1559); `gasPrice` for types 0 and 1, `maxFeePerGas` and
/// `maxPriorityFeePerGas` for type 2. Integers may be JSON numbers, decimal text or `0x` hex.
///
/// ```
/// use jigap_core::evm::Transaction;
/// let tx = Transaction::from_json(r#"{"type":2,"chainId":"0x7a69","nonce":0,"gas":21000,
///   "maxFeePerGas":"2000000000","maxPriorityFeePerGas":"1000000000",
///   "to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":"50000000000000000"}"#).unwrap();
/// assert_eq!(tx.chain_id, 31337);
/// assert!(tx.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct Transaction {
    /// 0 legacy (EIP-155), 1 access list (EIP-2930), 2 dynamic fee (EIP-1559).
    #[serde(rename = "type", default = "default_type")]
    pub tx_type: u8,
    /// EIP-155 chain id (never 0).
    #[serde(deserialize_with = "de_u64")]
    pub chain_id: u64,
    /// The sender's nonce.
    #[serde(deserialize_with = "de_u64")]
    pub nonce: u64,
    /// Recipient; `null` deploys a contract.
    #[serde(default)]
    pub to: Option<Address>,
    /// Wei sent.
    #[serde(default)]
    pub value: U256,
    /// Gas limit.
    #[serde(deserialize_with = "de_u64")]
    pub gas: u64,
    /// Wei per gas (types 0 and 1; 0 on permissioned chains without fees).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_price: Option<U256>,
    /// Most wei per gas paid in all (type 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fee_per_gas: Option<U256>,
    /// Most wei per gas paid to the block producer (type 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<U256>,
    /// Calldata.
    #[serde(default)]
    pub data: HexData,
    /// EIP-2930 access list (types 1 and 2).
    #[serde(default)]
    pub access_list: Vec<AccessListItem>,
}

fn default_type() -> u8 {
    2
}

/// The largest chain id whose EIP-155 `v` (`chainId × 2 + 36`) fits 64 bits.
const MAX_CHAIN_ID: u64 = (u64::MAX - 36) / 2;

/// A signed transaction: its fields, sender, signature, raw bytes and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(large_number_types_as_bigints)
)]
pub struct SignedTransaction {
    /// The fields.
    pub tx: Transaction,
    /// The sender, recovered from the signature.
    pub from: Address,
    /// The transaction hash (keccak-256 of `raw`).
    pub hash: Bytes32,
    /// What `eth_sendRawTransaction` takes.
    pub raw: HexData,
    /// The signature `r‖s‖v` (v 27/28 for the y parity).
    pub signature: Signature,
}

fn invalid(why: impl Into<String>) -> EvmError {
    EvmError::InvalidTransaction(why.into())
}

fn fee(v: &Option<U256>, name: &str) -> Result<U256, EvmError> {
    let v = v.ok_or_else(|| invalid(format!("{name} is missing")))?;
    if v.to_u128().is_none() {
        return Err(invalid(format!(
            "{name} {v} wei per gas does not fit 128 bits: check the unit (wei, not ether)"
        )));
    }
    Ok(v)
}

impl Transaction {
    /// Read `eth_sendTransaction`-style JSON.
    pub fn from_json(json: &str) -> Result<Transaction, EvmError> {
        let tx: Transaction = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
        tx.check()?;
        Ok(tx)
    }

    /// As JSON (integers as decimal text).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Refuse what a node would refuse or what could be replayed: chain id 0, a nonce of
    /// 2^64 − 1 (EIP-2681), fees missing for the type, fees that do not fit, a priority fee above
    /// the maximum fee.
    pub fn check(&self) -> Result<(), EvmError> {
        if self.chain_id == 0 {
            return Err(EvmError::ZeroChainId);
        }
        if self.chain_id > MAX_CHAIN_ID {
            return Err(invalid(format!(
                "chain id {} is too large (at most {MAX_CHAIN_ID})",
                self.chain_id
            )));
        }
        if self.nonce == u64::MAX {
            return Err(invalid(
                "the nonce 2^64 − 1 is not allowed (EIP-2681): the account can send no more",
            ));
        }
        match self.tx_type {
            0 | 1 => {
                fee(&self.gas_price, "gasPrice")?;
                if self.max_fee_per_gas.is_some() || self.max_priority_fee_per_gas.is_some() {
                    return Err(invalid(format!(
                        "a type {} transaction pays gasPrice; maxFeePerGas and maxPriorityFeePerGas belong to type 2",
                        self.tx_type
                    )));
                }
                if self.tx_type == 0 && !self.access_list.is_empty() {
                    return Err(invalid(
                        "a legacy (type 0) transaction has no access list: use type 1 or 2",
                    ));
                }
            }
            2 => {
                let max = fee(&self.max_fee_per_gas, "maxFeePerGas")?;
                let tip = fee(&self.max_priority_fee_per_gas, "maxPriorityFeePerGas")?;
                if self.gas_price.is_some() {
                    return Err(invalid(
                        "a type 2 transaction pays maxFeePerGas and maxPriorityFeePerGas, not gasPrice",
                    ));
                }
                if tip > max {
                    return Err(invalid(format!(
                        "maxPriorityFeePerGas ({tip}) is above maxFeePerGas ({max}); a node refuses it"
                    )));
                }
            }
            t => {
                return Err(invalid(format!(
                    "transaction type {t} is not supported (0 legacy, 1 EIP-2930, 2 EIP-1559)"
                )));
            }
        }
        Ok(())
    }

    fn fields(&self) -> Vec<Vec<u8>> {
        let u = |v: u64| {
            let mut o = Vec::new();
            rlp::encode_u64(&mut o, v);
            o
        };
        let big = |v: &Option<U256>| {
            let mut o = Vec::new();
            rlp::encode_uint(&mut o, &v.unwrap_or_default().0);
            o
        };
        let bytes = |b: &[u8]| {
            let mut o = Vec::new();
            rlp::encode_bytes(&mut o, b);
            o
        };
        let to = bytes(self.to.as_ref().map(|a| &a.0[..]).unwrap_or(&[]));
        let value = big(&Some(self.value));
        let data = bytes(&self.data.0);
        match self.tx_type {
            0 => vec![
                u(self.nonce),
                big(&self.gas_price),
                u(self.gas),
                to,
                value,
                data,
            ],
            1 => vec![
                u(self.chain_id),
                u(self.nonce),
                big(&self.gas_price),
                u(self.gas),
                to,
                value,
                data,
                self.access_list_rlp(),
            ],
            _ => vec![
                u(self.chain_id),
                u(self.nonce),
                big(&self.max_priority_fee_per_gas),
                big(&self.max_fee_per_gas),
                u(self.gas),
                to,
                value,
                data,
                self.access_list_rlp(),
            ],
        }
    }

    fn access_list_rlp(&self) -> Vec<u8> {
        let items: Vec<Vec<u8>> = self
            .access_list
            .iter()
            .map(|i| {
                let mut a = Vec::new();
                rlp::encode_bytes(&mut a, &i.address.0);
                let keys: Vec<Vec<u8>> = i
                    .storage_keys
                    .iter()
                    .map(|k| {
                        let mut o = Vec::new();
                        rlp::encode_bytes(&mut o, &k.0);
                        o
                    })
                    .collect();
                rlp::encode_list(&[a, rlp::encode_list(&keys)])
            })
            .collect();
        rlp::encode_list(&items)
    }

    fn envelope(&self, list: Vec<u8>) -> Vec<u8> {
        if self.tx_type == 0 {
            list
        } else {
            let mut out = Vec::with_capacity(list.len() + 1);
            out.push(self.tx_type);
            out.extend_from_slice(&list);
            out
        }
    }

    /// The digest the sender signs (EIP-155 for legacy, `keccak(type ‖ rlp(fields))` for typed).
    pub fn signing_hash(&self) -> Result<[u8; 32], EvmError> {
        self.check()?;
        let mut f = self.fields();
        if self.tx_type == 0 {
            let mut c = Vec::new();
            rlp::encode_u64(&mut c, self.chain_id);
            f.extend([c, vec![0x80], vec![0x80]]);
        }
        Ok(keccak256(&self.envelope(rlp::encode_list(&f))))
    }

    /// Sign with a key or a wallet account (low-s, as every signature of the crate).
    pub fn sign_with(&self, signer: &dyn DigestSigner) -> Result<SignedTransaction, EvmError> {
        let digest = self.signing_hash()?;
        let signature = signer.sign_digest(&digest)?;
        Ok(self.assemble(signature, signer.address()))
    }

    /// The signed transaction for `signature` by `from`.
    fn assemble(&self, signature: Signature, from: Address) -> SignedTransaction {
        let parity = u64::from(signature.v() - 27);
        let sig = signature.to_bytes();
        let mut f = self.fields();
        let mut v = Vec::new();
        if self.tx_type == 0 {
            rlp::encode_u64(&mut v, self.chain_id * 2 + 35 + parity);
        } else {
            rlp::encode_u64(&mut v, parity);
        }
        let (mut r, mut s) = (Vec::new(), Vec::new());
        rlp::encode_uint(&mut r, &sig[..32]);
        rlp::encode_uint(&mut s, &sig[32..64]);
        f.extend([v, r, s]);
        let raw = self.envelope(rlp::encode_list(&f));
        SignedTransaction {
            tx: self.clone(),
            from,
            hash: Bytes32(keccak256(&raw)),
            raw: HexData(raw),
            signature,
        }
    }

    /// The most wei this transaction can cost: `value + gas × (gasPrice or maxFeePerGas)`.
    pub fn max_cost(&self) -> Option<u128> {
        let price = self.gas_price.or(self.max_fee_per_gas)?.to_u128()?;
        price
            .checked_mul(u128::from(self.gas))?
            .checked_add(self.value.to_u128()?)
    }
}

fn malformed(why: impl Into<String>) -> EvmError {
    EvmError::Malformed(why.into())
}

fn big(item: &Item<'_>, what: &str) -> Result<U256, EvmError> {
    U256::from_be_slice(item.uint(what, 32)?).ok_or_else(|| malformed(format!("{what} too large")))
}

fn word(item: &Item<'_>, what: &str) -> Result<[u8; 32], EvmError> {
    let b = item.uint(what, 32)?;
    let mut out = [0u8; 32];
    out[32 - b.len()..].copy_from_slice(b);
    Ok(out)
}

fn address(item: &Item<'_>, what: &str) -> Result<Option<Address>, EvmError> {
    match item.bytes(what)? {
        [] => Ok(None),
        b => Address::from_slice(b)
            .map(Some)
            .map_err(|_| malformed(format!("{what} is not 20 bytes"))),
    }
}

fn access_list(item: &Item<'_>) -> Result<Vec<AccessListItem>, EvmError> {
    item.list("accessList")?
        .iter()
        .map(|e| {
            let pair = e.list("access list entry")?;
            let [a, keys] = pair else {
                return Err(malformed("an access list entry is not [address, keys]"));
            };
            Ok(AccessListItem {
                address: address(a, "access list address")?
                    .ok_or_else(|| malformed("an empty access list address"))?,
                storage_keys: keys
                    .list("storage keys")?
                    .iter()
                    .map(|k| {
                        <[u8; 32]>::try_from(k.bytes("storage key")?)
                            .map(Bytes32)
                            .map_err(|_| malformed("a storage key is not 32 bytes"))
                    })
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// Decode a raw signed transaction (legacy EIP-155, type 1 or type 2), recover its sender, and,
/// when `expected_chain` is given, refuse one signed for another chain.
pub fn decode_raw(raw: &[u8], expected_chain: Option<u64>) -> Result<SignedTransaction, EvmError> {
    let (&first, _) = raw.split_first().ok_or_else(|| malformed("no bytes"))?;
    let (tx_type, body) = match first {
        0xc0..=0xff => (0u8, raw),
        1 | 2 => (first, &raw[1..]),
        t => {
            return Err(malformed(format!(
                "transaction type {t} is not supported (0 legacy, 1 EIP-2930, 2 EIP-1559)"
            )));
        }
    };
    let item = rlp::decode(body)?;
    let f = item.list("transaction")?;
    let expect = match tx_type {
        0 => 9,
        1 => 11,
        _ => 12,
    };
    if f.len() != expect {
        return Err(malformed(format!(
            "a type {tx_type} transaction has {expect} fields, this one {}",
            f.len()
        )));
    }
    let (tx, v, r, s) = match tx_type {
        0 => {
            let v = f[6].u64("v")?;
            if v == 27 || v == 28 {
                return Err(malformed(
                    "a legacy transaction without EIP-155 replay protection (v 27/28): it can be replayed on any chain, so jigap does not read or send it",
                ));
            }
            if v < 37 {
                return Err(malformed(format!("legacy v {v} is not an EIP-155 value")));
            }
            let tx = Transaction {
                tx_type: 0,
                chain_id: (v - 35) / 2,
                nonce: f[0].u64("nonce")?,
                gas_price: Some(big(&f[1], "gasPrice")?),
                gas: f[2].u64("gas")?,
                to: address(&f[3], "to")?,
                value: big(&f[4], "value")?,
                data: HexData(f[5].bytes("data")?.to_vec()),
                max_fee_per_gas: None,
                max_priority_fee_per_gas: None,
                access_list: Vec::new(),
            };
            (tx, (v - 35) % 2, &f[7], &f[8])
        }
        1 => {
            let tx = Transaction {
                tx_type: 1,
                chain_id: f[0].u64("chainId")?,
                nonce: f[1].u64("nonce")?,
                gas_price: Some(big(&f[2], "gasPrice")?),
                gas: f[3].u64("gas")?,
                to: address(&f[4], "to")?,
                value: big(&f[5], "value")?,
                data: HexData(f[6].bytes("data")?.to_vec()),
                access_list: access_list(&f[7])?,
                max_fee_per_gas: None,
                max_priority_fee_per_gas: None,
            };
            (tx, f[8].u64("yParity")?, &f[9], &f[10])
        }
        _ => {
            let tx = Transaction {
                tx_type: 2,
                chain_id: f[0].u64("chainId")?,
                nonce: f[1].u64("nonce")?,
                max_priority_fee_per_gas: Some(big(&f[2], "maxPriorityFeePerGas")?),
                max_fee_per_gas: Some(big(&f[3], "maxFeePerGas")?),
                gas: f[4].u64("gas")?,
                to: address(&f[5], "to")?,
                value: big(&f[6], "value")?,
                data: HexData(f[7].bytes("data")?.to_vec()),
                access_list: access_list(&f[8])?,
                gas_price: None,
            };
            (tx, f[9].u64("yParity")?, &f[10], &f[11])
        }
    };
    if v > 1 {
        return Err(malformed(format!("y parity {v} is not 0 or 1")));
    }
    if let Some(expected) = expected_chain
        && tx.chain_id != expected
    {
        return Err(EvmError::WrongChain {
            expected,
            got: tx.chain_id,
        });
    }
    let mut sig = [0u8; 65];
    sig[..32].copy_from_slice(&word(r, "r")?);
    sig[32..64].copy_from_slice(&word(s, "s")?);
    sig[64] = 27 + v as u8;
    let signature = Signature::from_bytes(&sig)?;
    let from = signature.recover_address(&tx.signing_hash()?)?;
    let signed = tx.assemble(signature, from);
    // Canonical form only: re-encoding must give the same bytes (and so the same hash).
    if signed.raw.0 != raw {
        return Err(malformed("not in canonical encoding"));
    }
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::PrivateKey;

    fn key() -> PrivateKey {
        PrivateKey::from_slice(&[0x46; 32]).unwrap()
    }

    /// EIP-155's example: nonce 9, 20 gwei, 21000 gas, 1 ether to 0x3535…, chain 1.
    #[test]
    fn eip155_example() {
        let tx = Transaction::from_json(
            r#"{"type":0,"chainId":1,"nonce":9,"gasPrice":20000000000,"gas":21000,
            "to":"0x3535353535353535353535353535353535353535","value":"1000000000000000000"}"#,
        )
        .unwrap();
        assert_eq!(
            hex::encode(tx.signing_hash().unwrap()),
            "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
        );
        let s = tx.sign_with(&key()).unwrap();
        assert_eq!(
            s.raw.to_string(),
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
        );
        assert_eq!(decode_raw(&s.raw.0, Some(1)).unwrap(), s);
    }

    #[test]
    fn typed_round_trip_and_refusals() {
        let mut tx = Transaction::from_json(
            r#"{"type":2,"chainId":31337,"nonce":"0x3","gas":"60000","maxFeePerGas":"0x77359400",
            "maxPriorityFeePerGas":1000000000,"to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "value":"0","data":"0xa9059cbb","accessList":[{"address":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001"]}]}"#,
        )
        .unwrap();
        let s = tx.sign_with(&key()).unwrap();
        assert_eq!(s.raw.0[0], 2);
        let back = decode_raw(&s.raw.0, Some(31337)).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.from, key().address());
        assert!(matches!(
            decode_raw(&s.raw.0, Some(1)),
            Err(EvmError::WrongChain {
                expected: 1,
                got: 31337
            })
        ));
        tx.tx_type = 1;
        tx.gas_price = tx.max_fee_per_gas.take();
        tx.max_priority_fee_per_gas = None;
        let s1 = tx.sign_with(&key()).unwrap();
        assert_eq!(decode_raw(&s1.raw.0, None).unwrap(), s1);

        tx.chain_id = 0;
        assert!(matches!(tx.check(), Err(EvmError::ZeroChainId)));
        tx.chain_id = 1;
        tx.nonce = u64::MAX;
        assert!(tx.check().is_err());
        tx.nonce = 1;
        tx.gas_price = Some(U256::MAX);
        assert!(tx.check().unwrap_err().to_string().contains("128 bits"));
        assert!(
            Transaction::from_json(r#"{"chainId":1,"nonce":"18446744073709551616","gas":1}"#)
                .unwrap_err()
                .to_string()
                .contains("64 bits")
        );
    }

    /// The malleable twin of a signature (s → n − s, parity flipped) recovers the same sender,
    /// so a node could see two hashes for one payment: it is refused (EIP-2), as geth does.
    #[test]
    fn high_s_twin_is_refused() {
        let tx = Transaction::from_json(
            r#"{"type":2,"chainId":5,"nonce":0,"gas":21000,"maxFeePerGas":2,"maxPriorityFeePerGas":1,
            "to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":7}"#,
        )
        .unwrap();
        let s = tx.sign_with(&key()).unwrap();
        let sig = s.signature.to_bytes();
        let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
            .unwrap();
        let mut twin = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let d = i16::from(n[i]) - i16::from(sig[32 + i]) - borrow;
            twin[i] = d.rem_euclid(256) as u8;
            borrow = i16::from(d < 0);
        }
        let mut flipped = sig;
        flipped[32..64].copy_from_slice(&twin);
        flipped[64] = if sig[64] == 27 { 28 } else { 27 };
        let forged = tx.assemble(Signature::from_bytes(&flipped).unwrap(), key().address());
        assert!(matches!(
            decode_raw(&forged.raw.0, None),
            Err(EvmError::Keys(crate::keys::KeysError::HighS))
        ));
        assert!(decode_raw(&s.raw.0, None).is_ok());
    }

    #[test]
    fn tampered_raw_recovers_another_sender_or_fails() {
        let tx = Transaction::from_json(
            r#"{"type":2,"chainId":5,"nonce":0,"gas":21000,"maxFeePerGas":2,"maxPriorityFeePerGas":1,
            "to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","value":7}"#,
        )
        .unwrap();
        let mut raw = tx.sign_with(&key()).unwrap().raw.0;
        let n = raw.len();
        raw[n - 40] ^= 1; // inside r
        if let Ok(s) = decode_raw(&raw, None) {
            assert_ne!(s.from, key().address());
        }
        assert!(decode_raw(&raw[..n - 1], None).is_err());
    }
}
