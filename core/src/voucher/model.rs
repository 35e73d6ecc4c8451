//! The signed objects of the voucher system, their EIP-712 hashing and CBOR form.
//!
//! All of them live under one EIP-712 domain:
//! `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)` with
//! name `"jigap vouchers"`, version `"1"`, and the chain id and settlement contract of the
//! deployment ([`VoucherDomain`]), so a smart contract (`ecrecover`) or a server verifies the
//! same bytes the wallet signed.

use serde_json::{Value, json};

use super::VoucherError;
use crate::keys::{
    Address, DigestSigner, KeysError, Signature, domain_separator, enc_address, enc_array,
    enc_bool, enc_i64, enc_string, enc_u64, hash_struct_words, typed_data_digest,
};
use crate::util::{hex0x, keccak256};

/// EIP-712 domain name.
pub const DOMAIN_NAME: &str = "jigap vouchers";
/// EIP-712 domain version.
pub const DOMAIN_VERSION: &str = "1";

/// `Purpose(…)` type string.
pub const PURPOSE_TYPE: &str = "Purpose(uint16[] categories,address[] merchants,string[] regions,uint64 validFrom,uint64 validUntil,uint16 hoursStart,uint16 hoursEnd,int16 utcOffsetMinutes,uint256 minPayment,uint256 maxPayment,uint256 dailyLimit,bool singleUse)";
/// `VoucherGrant(…)` type string (its encodeType appends `Purpose`).
pub const GRANT_TYPE: &str = "VoucherGrant(bytes32 voucherId,address issuer,address holder,string currency,uint256 amount,uint64 issuedAt,Purpose purpose)";
/// `PaymentRequest(…)` type string.
pub const REQUEST_TYPE: &str = "PaymentRequest(bytes32 requestId,address merchant,string merchantName,uint16 category,string region,string currency,uint256 amount,uint64 expiresAt)";
/// `Allocation(…)` type string.
pub const ALLOCATION_TYPE: &str = "Allocation(bytes32 voucherId,uint256 amount)";
/// `Redemption(…)` type string (its encodeType appends `Allocation`).
pub const REDEMPTION_TYPE: &str = "Redemption(bytes32 requestId,address merchant,address holder,uint64 sequence,Allocation[] allocations,uint256 total,uint64 createdAt)";
/// `Settlement(…)` type string.
pub const SETTLEMENT_TYPE: &str =
    "Settlement(bytes32 redemptionHash,address issuer,bool settled,string reason,uint64 settledAt)";
/// `Refund(…)` type string.
pub const REFUND_TYPE: &str =
    "Refund(bytes32 refundId,bytes32 voucherId,uint256 amount,uint64 refundedAt)";

/// A 32-byte identifier (voucher id, request id, refund id).
pub type Id = [u8; 32];

/// The chain and settlement contract the voucher signatures are bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase"),
    tsify(large_number_types_as_bigints)
)]
pub struct VoucherDomain {
    /// EIP-155 chain id of the settlement network.
    pub chain_id: u64,
    /// The settlement contract.
    pub verifying_contract: Address,
}

impl VoucherDomain {
    /// jigap's test and demo deployment: chain id 1 and contract `0x…4a6967` ("Jig").
    /// Set your own settlement network in production.
    pub const DEMO: VoucherDomain = VoucherDomain {
        chain_id: 1,
        verifying_contract: Address([
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x4a, 0x69, 0x67,
        ]),
    };

    /// The EIP-712 domain separator.
    pub fn separator(&self) -> [u8; 32] {
        domain_separator(
            DOMAIN_NAME,
            DOMAIN_VERSION,
            self.chain_id,
            &self.verifying_contract,
        )
    }

    fn json(&self) -> Value {
        json!({"name": DOMAIN_NAME, "version": DOMAIN_VERSION, "chainId": self.chain_id,
               "verifyingContract": self.verifying_contract.to_string()})
    }
}

impl Default for VoucherDomain {
    fn default() -> Self {
        VoucherDomain::DEMO
    }
}

fn type_json(s: &str) -> Value {
    // "Name(type a,type b)" → [{"name":"a","type":"type"}, …]
    let inner = s
        .split_once('(')
        .map(|(_, r)| r.trim_end_matches(')'))
        .unwrap_or("");
    Value::Array(
        inner
            .split(',')
            .filter_map(|m| m.split_once(' '))
            .map(|(t, n)| json!({"name": n, "type": t}))
            .collect(),
    )
}

fn domain_type() -> Value {
    type_json("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
}

fn th(s: &str) -> [u8; 32] {
    keccak256(s.as_bytes())
}

/// What a voucher may be spent on. Empty lists mean "no restriction".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    /// Allowed merchant categories (ISO 18245 codes, e.g. 5411 groceries).
    pub categories: Vec<u16>,
    /// Allowed merchants by address.
    pub merchants: Vec<Address>,
    /// Allowed regions (ISO 3166-2, e.g. `KR-11` Seoul; a country code such as `KR` covers its subdivisions).
    pub regions: Vec<String>,
    /// Valid from (Unix seconds, inclusive).
    pub valid_from: u64,
    /// Valid until (Unix seconds, exclusive).
    pub valid_until: u64,
    /// Start of the hours of use, minutes after local midnight (0 with `hours_end` 1440: any time).
    pub hours_start: u16,
    /// End of the hours of use, minutes after local midnight (exclusive; may wrap past midnight).
    pub hours_end: u16,
    /// The local time zone of the hours and daily limit, minutes east of UTC (KST: 540).
    pub utc_offset_minutes: i16,
    /// Smallest amount this voucher pays in one payment (0: none).
    pub min_payment: u64,
    /// Largest amount this voucher pays in one payment (0: no maximum).
    pub max_payment: u64,
    /// Most this voucher pays per local day (0: no limit).
    pub daily_limit: u64,
    /// One payment only; what is left after it is forfeited.
    pub single_use: bool,
}

cbor_array!(Purpose {
    categories,
    merchants,
    regions,
    valid_from,
    valid_until,
    hours_start,
    hours_end,
    utc_offset_minutes,
    min_payment,
    max_payment,
    daily_limit,
    single_use
});

impl Purpose {
    /// No restriction beyond the validity window.
    pub fn anywhere(valid_from: u64, valid_until: u64) -> Purpose {
        Purpose {
            categories: vec![],
            merchants: vec![],
            regions: vec![],
            valid_from,
            valid_until,
            hours_start: 0,
            hours_end: 1440,
            utc_offset_minutes: 0,
            min_payment: 0,
            max_payment: 0,
            daily_limit: 0,
            single_use: false,
        }
    }

    /// `hashStruct(Purpose)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        let cats: Vec<[u8; 32]> = self
            .categories
            .iter()
            .map(|c| enc_u64(u64::from(*c)))
            .collect();
        let merchants: Vec<[u8; 32]> = self.merchants.iter().map(enc_address).collect();
        let regions: Vec<[u8; 32]> = self.regions.iter().map(|r| enc_string(r)).collect();
        hash_struct_words(
            &th(PURPOSE_TYPE),
            &[
                enc_array(&cats),
                enc_array(&merchants),
                enc_array(&regions),
                enc_u64(self.valid_from),
                enc_u64(self.valid_until),
                enc_u64(u64::from(self.hours_start)),
                enc_u64(u64::from(self.hours_end)),
                enc_i64(i64::from(self.utc_offset_minutes)),
                enc_u64(self.min_payment),
                enc_u64(self.max_payment),
                enc_u64(self.daily_limit),
                enc_bool(self.single_use),
            ],
        )
    }

    fn json(&self) -> Value {
        json!({
            "categories": self.categories, "merchants": self.merchants.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            "regions": self.regions, "validFrom": self.valid_from, "validUntil": self.valid_until,
            "hoursStart": self.hours_start, "hoursEnd": self.hours_end, "utcOffsetMinutes": self.utc_offset_minutes,
            "minPayment": self.min_payment.to_string(), "maxPayment": self.max_payment.to_string(),
            "dailyLimit": self.daily_limit.to_string(), "singleUse": self.single_use,
        })
    }

    /// Whether the purpose is self-consistent.
    pub(crate) fn validate(&self) -> Result<(), &'static str> {
        if self.valid_until <= self.valid_from {
            return Err("validUntil must be after validFrom");
        }
        if self.hours_start > 1440 || self.hours_end > 1440 {
            return Err("hours are minutes of the day (0–1440)");
        }
        if !(-840..=840).contains(&self.utc_offset_minutes) {
            return Err("utcOffsetMinutes must be within ±14 hours");
        }
        if self.max_payment != 0 && self.min_payment > self.max_payment {
            return Err("minPayment is above maxPayment");
        }
        if self.categories.len() > 64 || self.merchants.len() > 64 || self.regions.len() > 64 {
            return Err("at most 64 categories, merchants and regions");
        }
        if self.regions.iter().any(|r| r.is_empty() || r.len() > 6) {
            return Err("regions are ISO 3166-2 codes such as KR-11");
        }
        Ok(())
    }
}

/// A voucher as granted by its issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherGrant {
    /// Unique id.
    pub id: Id,
    /// Issuer (signer).
    pub issuer: Address,
    /// Holder: one of the wallet's accounts.
    pub holder: Address,
    /// Currency code (ISO 4217 or the token's symbol), e.g. `KRW`.
    pub currency: String,
    /// Amount in minor units.
    pub amount: u64,
    /// Issued at (Unix seconds).
    pub issued_at: u64,
    /// What it may be spent on.
    pub purpose: Purpose,
}

cbor_array!(VoucherGrant { id as bytes, issuer, holder, currency, amount, issued_at, purpose });

impl VoucherGrant {
    /// `hashStruct(VoucherGrant)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        hash_struct_words(
            &th(&format!("{GRANT_TYPE}{PURPOSE_TYPE}")),
            &[
                self.id,
                enc_address(&self.issuer),
                enc_address(&self.holder),
                enc_string(&self.currency),
                enc_u64(self.amount),
                enc_u64(self.issued_at),
                self.purpose.struct_hash(),
            ],
        )
    }

    /// The digest the issuer signs.
    pub fn digest(&self, domain: &VoucherDomain) -> [u8; 32] {
        typed_data_digest(&domain.separator(), &self.struct_hash())
    }

    /// The same data as `eth_signTypedData_v4` JSON.
    pub fn typed_data(&self, domain: &VoucherDomain) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type(), "VoucherGrant": type_json(GRANT_TYPE), "Purpose": type_json(PURPOSE_TYPE)},
            "primaryType": "VoucherGrant", "domain": domain.json(),
            "message": {"voucherId": hex0x(&self.id), "issuer": self.issuer.to_string(), "holder": self.holder.to_string(),
                        "currency": self.currency, "amount": self.amount.to_string(), "issuedAt": self.issued_at,
                        "purpose": self.purpose.json()},
        })
    }

    /// Sign as the issuer. The grant is validated first (purpose, amount, currency), so no
    /// one can sign a grant every wallet would refuse.
    pub fn sign(
        self,
        domain: &VoucherDomain,
        issuer: &dyn DigestSigner,
    ) -> Result<SignedGrant, VoucherError> {
        self.validate()?;
        let signature = issuer.sign_digest(&self.digest(domain))?;
        Ok(SignedGrant {
            grant: self,
            signature,
        })
    }

    /// The rules every wallet checks on import: a consistent purpose, a positive amount, a
    /// currency of 1–12 characters.
    pub fn validate(&self) -> Result<(), VoucherError> {
        self.purpose
            .validate()
            .map_err(|e| VoucherError::InvalidGrant(e.into()))?;
        if self.amount == 0 || self.currency.is_empty() || self.currency.len() > 12 {
            return Err(VoucherError::InvalidGrant(
                "amount must be positive and the currency 1–12 characters".into(),
            ));
        }
        Ok(())
    }
}

/// A grant with its issuer's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedGrant {
    /// The grant.
    pub grant: VoucherGrant,
    /// Issuer's signature over its EIP-712 digest.
    pub signature: Signature,
}

cbor_array!(SignedGrant { grant, signature });

impl SignedGrant {
    /// The address that signed it.
    pub fn signer(&self, domain: &VoucherDomain) -> Result<Address, KeysError> {
        self.signature.recover_address(&self.grant.digest(domain))
    }
}

/// A merchant's request for payment (shown as a QR code at the counter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Unique request id.
    pub id: Id,
    /// Merchant address (signer).
    pub merchant: Address,
    /// Name shown to the citizen.
    pub merchant_name: String,
    /// Merchant category (ISO 18245).
    pub category: u16,
    /// Region of the shop (ISO 3166-2).
    pub region: String,
    /// Currency.
    pub currency: String,
    /// Amount in minor units.
    pub amount: u64,
    /// Expiry (Unix seconds).
    pub expires_at: u64,
}

cbor_array!(PaymentRequest { id as bytes, merchant, merchant_name, category, region, currency, amount, expires_at });

impl PaymentRequest {
    /// `hashStruct(PaymentRequest)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        hash_struct_words(
            &th(REQUEST_TYPE),
            &[
                self.id,
                enc_address(&self.merchant),
                enc_string(&self.merchant_name),
                enc_u64(u64::from(self.category)),
                enc_string(&self.region),
                enc_string(&self.currency),
                enc_u64(self.amount),
                enc_u64(self.expires_at),
            ],
        )
    }

    /// The digest the merchant signs.
    pub fn digest(&self, domain: &VoucherDomain) -> [u8; 32] {
        typed_data_digest(&domain.separator(), &self.struct_hash())
    }

    /// `eth_signTypedData_v4` JSON.
    pub fn typed_data(&self, domain: &VoucherDomain) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type(), "PaymentRequest": type_json(REQUEST_TYPE)},
            "primaryType": "PaymentRequest", "domain": domain.json(),
            "message": {"requestId": hex0x(&self.id), "merchant": self.merchant.to_string(), "merchantName": self.merchant_name,
                        "category": self.category, "region": self.region, "currency": self.currency,
                        "amount": self.amount.to_string(), "expiresAt": self.expires_at},
        })
    }

    /// Sign as the merchant.
    pub fn sign(
        self,
        domain: &VoucherDomain,
        merchant: &dyn DigestSigner,
    ) -> Result<SignedRequest, KeysError> {
        let signature = merchant.sign_digest(&self.digest(domain))?;
        Ok(SignedRequest {
            request: self,
            signature,
        })
    }
}

/// A payment request with the merchant's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The request.
    pub request: PaymentRequest,
    /// Merchant's signature.
    pub signature: Signature,
}

cbor_array!(SignedRequest { request, signature });

/// How much of one voucher pays a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    /// Voucher.
    pub voucher_id: Id,
    /// Amount from it.
    pub amount: u64,
}

cbor_array!(Allocation { voucher_id as bytes, amount });

/// The holder's signed payment of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redemption {
    /// The request paid.
    pub request_id: Id,
    /// Merchant paid.
    pub merchant: Address,
    /// Holder (signer).
    pub holder: Address,
    /// Per-holder sequence number (lets the issuer catch a double spend).
    pub sequence: u64,
    /// Vouchers and amounts.
    pub allocations: Vec<Allocation>,
    /// Sum of the allocations (= the requested amount).
    pub total: u64,
    /// Created at (Unix seconds).
    pub created_at: u64,
}

cbor_array!(Redemption { request_id as bytes, merchant, holder, sequence, allocations, total, created_at });

impl Redemption {
    /// `hashStruct(Redemption)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        let at = th(ALLOCATION_TYPE);
        let allocs: Vec<[u8; 32]> = self
            .allocations
            .iter()
            .map(|a| hash_struct_words(&at, &[a.voucher_id, enc_u64(a.amount)]))
            .collect();
        hash_struct_words(
            &th(&format!("{REDEMPTION_TYPE}{ALLOCATION_TYPE}")),
            &[
                self.request_id,
                enc_address(&self.merchant),
                enc_address(&self.holder),
                enc_u64(self.sequence),
                enc_array(&allocs),
                enc_u64(self.total),
                enc_u64(self.created_at),
            ],
        )
    }

    /// The digest the holder signs; settlements refer to it as the redemption hash.
    pub fn digest(&self, domain: &VoucherDomain) -> [u8; 32] {
        typed_data_digest(&domain.separator(), &self.struct_hash())
    }

    /// `eth_signTypedData_v4` JSON.
    pub fn typed_data(&self, domain: &VoucherDomain) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type(), "Redemption": type_json(REDEMPTION_TYPE), "Allocation": type_json(ALLOCATION_TYPE)},
            "primaryType": "Redemption", "domain": domain.json(),
            "message": {"requestId": hex0x(&self.request_id), "merchant": self.merchant.to_string(), "holder": self.holder.to_string(),
                        "sequence": self.sequence,
                        "allocations": self.allocations.iter().map(|a| json!({"voucherId": hex0x(&a.voucher_id), "amount": a.amount.to_string()})).collect::<Vec<_>>(),
                        "total": self.total.to_string(), "createdAt": self.created_at},
        })
    }
}

/// A redemption with the holder's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRedemption {
    /// The redemption.
    pub redemption: Redemption,
    /// Holder's signature.
    pub signature: Signature,
}

cbor_array!(SignedRedemption {
    redemption,
    signature
});

/// What the wallet shows the merchant: the signed redemption and the grants it spends, so the
/// merchant can check everything offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionPayload {
    /// The signed redemption.
    pub redemption: SignedRedemption,
    /// The grants of the allocated vouchers, in allocation order.
    pub grants: Vec<SignedGrant>,
}

cbor_array!(RedemptionPayload { redemption, grants });

/// The issuer's decision on a redemption (for the allocations of its own vouchers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// The redemption's EIP-712 digest.
    pub redemption_hash: [u8; 32],
    /// The issuer settling.
    pub issuer: Address,
    /// Settled (`true`) or rejected.
    pub settled: bool,
    /// Why it was rejected (empty when settled).
    pub reason: String,
    /// When (Unix seconds).
    pub settled_at: u64,
}

cbor_array!(Settlement { redemption_hash as bytes, issuer, settled, reason, settled_at });

impl Settlement {
    /// `hashStruct(Settlement)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        hash_struct_words(
            &th(SETTLEMENT_TYPE),
            &[
                self.redemption_hash,
                enc_address(&self.issuer),
                enc_bool(self.settled),
                enc_string(&self.reason),
                enc_u64(self.settled_at),
            ],
        )
    }

    /// The digest the issuer signs.
    pub fn digest(&self, domain: &VoucherDomain) -> [u8; 32] {
        typed_data_digest(&domain.separator(), &self.struct_hash())
    }

    /// `eth_signTypedData_v4` JSON.
    pub fn typed_data(&self, domain: &VoucherDomain) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type(), "Settlement": type_json(SETTLEMENT_TYPE)},
            "primaryType": "Settlement", "domain": domain.json(),
            "message": {"redemptionHash": hex0x(&self.redemption_hash), "issuer": self.issuer.to_string(),
                        "settled": self.settled, "reason": self.reason, "settledAt": self.settled_at},
        })
    }

    /// Sign as the issuer.
    pub fn sign(
        self,
        domain: &VoucherDomain,
        issuer: &dyn DigestSigner,
    ) -> Result<SignedSettlement, KeysError> {
        let signature = issuer.sign_digest(&self.digest(domain))?;
        Ok(SignedSettlement {
            settlement: self,
            signature,
        })
    }
}

/// A settlement with the issuer's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSettlement {
    /// The settlement.
    pub settlement: Settlement,
    /// Issuer's signature.
    pub signature: Signature,
}

cbor_array!(SignedSettlement {
    settlement,
    signature
});

/// Value given back to a voucher by its issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// Unique refund id.
    pub id: Id,
    /// Voucher refunded.
    pub voucher_id: Id,
    /// Amount restored.
    pub amount: u64,
    /// When (Unix seconds).
    pub refunded_at: u64,
}

cbor_array!(Refund { id as bytes, voucher_id as bytes, amount, refunded_at });

impl Refund {
    /// `hashStruct(Refund)`.
    pub fn struct_hash(&self) -> [u8; 32] {
        hash_struct_words(
            &th(REFUND_TYPE),
            &[
                self.id,
                self.voucher_id,
                enc_u64(self.amount),
                enc_u64(self.refunded_at),
            ],
        )
    }

    /// The digest the issuer signs.
    pub fn digest(&self, domain: &VoucherDomain) -> [u8; 32] {
        typed_data_digest(&domain.separator(), &self.struct_hash())
    }

    /// `eth_signTypedData_v4` JSON.
    pub fn typed_data(&self, domain: &VoucherDomain) -> Value {
        json!({
            "types": {"EIP712Domain": domain_type(), "Refund": type_json(REFUND_TYPE)},
            "primaryType": "Refund", "domain": domain.json(),
            "message": {"refundId": hex0x(&self.id), "voucherId": hex0x(&self.voucher_id),
                        "amount": self.amount.to_string(), "refundedAt": self.refunded_at},
        })
    }

    /// Sign as the issuer.
    pub fn sign(
        self,
        domain: &VoucherDomain,
        issuer: &dyn DigestSigner,
    ) -> Result<SignedRefund, KeysError> {
        let signature = issuer.sign_digest(&self.digest(domain))?;
        Ok(SignedRefund {
            refund: self,
            signature,
        })
    }
}

/// A refund with the issuer's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRefund {
    /// The refund.
    pub refund: Refund,
    /// Issuer's signature.
    pub signature: Signature,
}

cbor_array!(SignedRefund { refund, signature });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{PrivateKey, TypedData};

    fn grant() -> VoucherGrant {
        VoucherGrant {
            id: [7; 32],
            issuer: Address([1; 20]),
            holder: Address([2; 20]),
            currency: "KRW".into(),
            amount: 50_000,
            issued_at: 1_760_000_000,
            purpose: Purpose {
                categories: vec![5411, 5499],
                merchants: vec![Address([9; 20])],
                regions: vec!["KR-11".into()],
                valid_from: 1_760_000_000,
                valid_until: 1_790_000_000,
                hours_start: 540,
                hours_end: 1080,
                utc_offset_minutes: 540,
                min_payment: 1_000,
                max_payment: 30_000,
                daily_limit: 40_000,
                single_use: false,
            },
        }
    }

    fn generic(v: &Value) -> [u8; 32] {
        TypedData::from_json(&v.to_string())
            .unwrap()
            .digest()
            .unwrap()
    }

    /// The fast hashing equals the generic EIP-712 signer of the foundation, for every type.
    #[test]
    fn digests_equal_the_generic_typed_data_signer() {
        let d = VoucherDomain {
            chain_id: 11_155_111,
            verifying_contract: Address([0xab; 20]),
        };
        let g = grant();
        assert_eq!(g.digest(&d), generic(&g.typed_data(&d)));
        let mut negative = grant();
        negative.purpose.utc_offset_minutes = -300;
        assert_eq!(negative.digest(&d), generic(&negative.typed_data(&d)));
        let r = PaymentRequest {
            id: [3; 32],
            merchant: Address([9; 20]),
            merchant_name: "행복마트".into(),
            category: 5411,
            region: "KR-11".into(),
            currency: "KRW".into(),
            amount: 12_345,
            expires_at: 1_770_000_000,
        };
        assert_eq!(r.digest(&d), generic(&r.typed_data(&d)));
        let red = Redemption {
            request_id: [3; 32],
            merchant: Address([9; 20]),
            holder: Address([2; 20]),
            sequence: 4,
            allocations: vec![
                Allocation {
                    voucher_id: [7; 32],
                    amount: 10_000,
                },
                Allocation {
                    voucher_id: [8; 32],
                    amount: 2_345,
                },
            ],
            total: 12_345,
            created_at: 1_769_999_000,
        };
        assert_eq!(red.digest(&d), generic(&red.typed_data(&d)));
        let s = Settlement {
            redemption_hash: red.digest(&d),
            issuer: Address([1; 20]),
            settled: false,
            reason: "merchant not registered".into(),
            settled_at: 5,
        };
        assert_eq!(s.digest(&d), generic(&s.typed_data(&d)));
        let f = Refund {
            id: [4; 32],
            voucher_id: [7; 32],
            amount: 500,
            refunded_at: 6,
        };
        assert_eq!(f.digest(&d), generic(&f.typed_data(&d)));
    }

    #[test]
    fn cbor_round_trip_and_signing() {
        let key = PrivateKey::from_slice(&[5; 32]).unwrap();
        let d = VoucherDomain::DEMO;
        let mut g = grant();
        g.issuer = key.address();
        let sg = g.sign(&d, &key).unwrap();
        let bytes = crate::qr::to_cbor(&sg);
        let back: SignedGrant = crate::qr::from_cbor(&bytes).unwrap();
        assert_eq!(back, sg);
        assert_eq!(back.signer(&d).unwrap(), key.address());
        // Another domain gives another signer.
        let other = VoucherDomain { chain_id: 2, ..d };
        assert_ne!(back.signer(&other).unwrap(), key.address());
    }
}
