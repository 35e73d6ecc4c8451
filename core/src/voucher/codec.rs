//! Text forms of every voucher object: a tag, then base45 (QR alphanumeric) of a version byte
//! and CBOR. Each can be shown as a QR code, sent in a message, or passed on a command line.
//!
//! | tag | object |
//! |---|---|
//! | `JGVG` | signed voucher grant |
//! | `JGPR` | signed payment request |
//! | `JGRD` | signed redemption with the grants it spends |
//! | `JGST` | signed settlement |
//! | `JGRF` | signed refund |

use super::VoucherError;
use super::model::{RedemptionPayload, SignedGrant, SignedRefund, SignedRequest, SignedSettlement};
use crate::qr::{self, QrError};

const VERSION: u8 = 1;
/// Most allocations one payment may use.
pub(crate) const MAX_ALLOCATIONS: usize = 16;

fn decode<T: for<'b> minicbor::Decode<'b, ()>>(
    text: &str,
    tag: &'static str,
    what: &'static str,
) -> Result<T, VoucherError> {
    let cbor = qr::unwrap(text, tag, what, VERSION)?;
    Ok(qr::from_cbor(&cbor)?)
}

fn too_long(what: &str) -> VoucherError {
    VoucherError::Qr(QrError::Cbor(format!("{what} is too long")))
}

/// `JGVG:…`
pub fn encode_grant(g: &SignedGrant) -> String {
    qr::wrap("JGVG", VERSION, &qr::to_cbor(g))
}

/// Read a `JGVG:…` grant (its signature is checked on import).
pub fn decode_grant(text: &str) -> Result<SignedGrant, VoucherError> {
    let g: SignedGrant = decode(text, "JGVG", "voucher grant")?;
    let p = &g.grant.purpose;
    if g.grant.currency.len() > 12
        || p.categories.len() > 64
        || p.merchants.len() > 64
        || p.regions.len() > 64
    {
        return Err(too_long("a field of the grant"));
    }
    Ok(g)
}

/// `JGPR:…`
pub fn encode_request(r: &SignedRequest) -> String {
    qr::wrap("JGPR", VERSION, &qr::to_cbor(r))
}

/// Read a `JGPR:…` payment request (its signature is checked when quoting or paying).
pub fn decode_request(text: &str) -> Result<SignedRequest, VoucherError> {
    let r: SignedRequest = decode(text, "JGPR", "payment request")?;
    if r.request.merchant_name.len() > 200
        || r.request.currency.len() > 12
        || r.request.region.len() > 6
    {
        return Err(too_long("a field of the request"));
    }
    Ok(r)
}

/// `JGRD:…`
pub fn encode_redemption(p: &RedemptionPayload) -> String {
    qr::wrap("JGRD", VERSION, &qr::to_cbor(p))
}

/// Read a `JGRD:…` payment.
pub fn decode_redemption(text: &str) -> Result<RedemptionPayload, VoucherError> {
    let p: RedemptionPayload = decode(text, "JGRD", "voucher payment")?;
    if p.redemption.redemption.allocations.len() > MAX_ALLOCATIONS
        || p.grants.len() > MAX_ALLOCATIONS
    {
        return Err(too_long("the list of vouchers in the payment"));
    }
    Ok(p)
}

/// `JGST:…`
pub fn encode_settlement(s: &SignedSettlement) -> String {
    qr::wrap("JGST", VERSION, &qr::to_cbor(s))
}

/// Read a `JGST:…` settlement.
pub fn decode_settlement(text: &str) -> Result<SignedSettlement, VoucherError> {
    let s: SignedSettlement = decode(text, "JGST", "settlement")?;
    if s.settlement.reason.len() > 500 {
        return Err(too_long("the settlement reason"));
    }
    Ok(s)
}

/// `JGRF:…`
pub fn encode_refund(r: &SignedRefund) -> String {
    qr::wrap("JGRF", VERSION, &qr::to_cbor(r))
}

/// Read a `JGRF:…` refund.
pub fn decode_refund(text: &str) -> Result<SignedRefund, VoucherError> {
    decode(text, "JGRF", "refund")
}
