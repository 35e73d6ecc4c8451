//! Purpose rules and voucher selection: which vouchers may pay a request, how much each can
//! pay, and which ones are chosen (soonest expiry first, fewest vouchers as a tie-break).

use super::model::{Allocation, Id, PaymentRequest, Purpose, VoucherGrant};

/// Why a voucher cannot pay (part of) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "snake_case")
)]
pub enum Ineligible {
    /// Past its validity.
    Expired,
    /// Not valid yet.
    NotYetValid,
    /// Another currency.
    Currency,
    /// Merchant category (or merchant) not allowed.
    Category,
    /// Region not allowed.
    Region,
    /// Outside its hours of use.
    Hours,
    /// Single-use voucher already used.
    SingleUseSpent,
    /// Nothing left on it.
    NoBalance,
    /// Its daily limit is reached.
    DailyLimit,
    /// What is left to pay is below its minimum per payment.
    BelowMinimum,
    /// Its issuer is no longer trusted by the app.
    #[cfg_attr(feature = "wasm", serde(rename = "untrusted_issuer"))]
    Untrusted,
    /// It belongs to another settlement network (EIP-712 domain) than the request's.
    OtherNetwork,
}

impl Ineligible {
    /// Short code for apps and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Ineligible::Expired => "expired",
            Ineligible::NotYetValid => "not_yet_valid",
            Ineligible::Currency => "currency",
            Ineligible::Category => "category",
            Ineligible::Region => "region",
            Ineligible::Hours => "hours",
            Ineligible::SingleUseSpent => "single_use_spent",
            Ineligible::NoBalance => "no_balance",
            Ineligible::DailyLimit => "daily_limit",
            Ineligible::BelowMinimum => "below_minimum",
            Ineligible::Untrusted => "untrusted_issuer",
            Ineligible::OtherNetwork => "other_network",
        }
    }

    /// A sentence for the citizen.
    pub fn describe(self) -> &'static str {
        match self {
            Ineligible::Expired => "this voucher has expired",
            Ineligible::NotYetValid => "this voucher is not valid yet",
            Ineligible::Currency => "this voucher is in another currency",
            Ineligible::Category => "this voucher cannot be used at this kind of shop",
            Ineligible::Region => "this voucher cannot be used in this region",
            Ineligible::Hours => "this voucher cannot be used at this time of day",
            Ineligible::SingleUseSpent => "this single-use voucher has already been used",
            Ineligible::NoBalance => "nothing is left on this voucher",
            Ineligible::DailyLimit => "this voucher's daily limit is reached",
            Ineligible::BelowMinimum => "the amount is below this voucher's minimum payment",
            Ineligible::Untrusted => "the app no longer trusts this voucher's issuer",
            Ineligible::OtherNetwork => {
                "this voucher belongs to another settlement network than this shop's"
            }
        }
    }
}

/// Local minute of the day and local day number at `now` in the purpose's time zone.
pub fn local_time(purpose: &Purpose, now: u64) -> (u16, i64) {
    let local = now as i64 + i64::from(purpose.utc_offset_minutes) * 60;
    let day = local.div_euclid(86_400);
    let minute = (local.rem_euclid(86_400) / 60) as u16;
    (minute, day)
}

fn region_matches(allowed: &str, region: &str) -> bool {
    // "KR" covers "KR-11"; "KR-11" only itself.
    region == allowed
        || (!allowed.contains('-')
            && region
                .strip_prefix(allowed)
                .is_some_and(|r| r.starts_with('-')))
}

/// The rules that do not depend on the voucher's ledger: time window, currency, merchant,
/// region, hours.
pub fn check_purpose(
    grant: &VoucherGrant,
    req: &PaymentRequest,
    now: u64,
) -> Result<(), Ineligible> {
    let p = &grant.purpose;
    if now >= p.valid_until {
        return Err(Ineligible::Expired);
    }
    if now < p.valid_from {
        return Err(Ineligible::NotYetValid);
    }
    if grant.currency != req.currency {
        return Err(Ineligible::Currency);
    }
    let restricted = !(p.categories.is_empty() && p.merchants.is_empty());
    if restricted && !p.categories.contains(&req.category) && !p.merchants.contains(&req.merchant) {
        return Err(Ineligible::Category);
    }
    if !p.regions.is_empty() && !p.regions.iter().any(|r| region_matches(r, &req.region)) {
        return Err(Ineligible::Region);
    }
    let any_time = p.hours_start == 0 && p.hours_end >= 1440;
    if !any_time {
        let (m, _) = local_time(p, now);
        let inside = if p.hours_start <= p.hours_end {
            m >= p.hours_start && m < p.hours_end
        } else {
            m >= p.hours_start || m < p.hours_end // wraps past midnight
        };
        if !inside {
            return Err(Ineligible::Hours);
        }
    }
    Ok(())
}

/// How much a voucher can pay now given its ledger: `Err` with the reason if nothing.
pub fn capacity(
    grant: &VoucherGrant,
    spendable: u64,
    single_use_spent: bool,
    spent_today: u64,
) -> Result<u64, Ineligible> {
    let p = &grant.purpose;
    if p.single_use && single_use_spent {
        return Err(Ineligible::SingleUseSpent);
    }
    if spendable == 0 {
        return Err(Ineligible::NoBalance);
    }
    let mut cap = spendable;
    if p.max_payment > 0 {
        cap = cap.min(p.max_payment);
    }
    if p.daily_limit > 0 {
        let left = p.daily_limit.saturating_sub(spent_today);
        if left == 0 {
            return Err(Ineligible::DailyLimit);
        }
        cap = cap.min(left);
    }
    Ok(cap)
}

/// A voucher that may pay, with what it can pay and when it expires.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// Voucher.
    pub id: Id,
    /// Most it can pay in this payment.
    pub capacity: u64,
    /// Smallest payment it accepts.
    pub min_payment: u64,
    /// Expiry, for ordering.
    pub valid_until: u64,
}

/// Choose allocations for `amount`: soonest expiry first, and among equal expiries the largest
/// capacity first (fewest vouchers). Returns the allocations and what is still missing, plus
/// vouchers skipped because the remainder was below their minimum.
pub fn select(mut candidates: Vec<Candidate>, amount: u64) -> (Vec<Allocation>, u64, Vec<Id>) {
    crate::util::sort_by(&mut candidates, |a, b| {
        a.valid_until
            .cmp(&b.valid_until)
            .then(b.capacity.cmp(&a.capacity))
            .then(a.id.cmp(&b.id))
    });
    let mut left = amount;
    let mut out = Vec::new();
    let mut below_min = Vec::new();
    for c in candidates {
        if left == 0 {
            break;
        }
        let take = c.capacity.min(left);
        if take < c.min_payment {
            below_min.push(c.id);
            continue;
        }
        out.push(Allocation {
            voucher_id: c.id,
            amount: take,
        });
        left -= take;
    }
    (out, left, below_min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Address;

    fn g(cats: &[u16], regions: &[&str], hours: (u16, u16)) -> VoucherGrant {
        let mut p = Purpose::anywhere(1_000, 1_000_000);
        p.categories = cats.to_vec();
        p.regions = regions.iter().map(|r| r.to_string()).collect();
        p.hours_start = hours.0;
        p.hours_end = hours.1;
        p.utc_offset_minutes = 540;
        VoucherGrant {
            id: [1; 32],
            issuer: Address([1; 20]),
            holder: Address([2; 20]),
            currency: "KRW".into(),
            amount: 100,
            issued_at: 0,
            purpose: p,
        }
    }

    fn req(cat: u16, region: &str) -> PaymentRequest {
        PaymentRequest {
            id: [2; 32],
            merchant: Address([3; 20]),
            merchant_name: "m".into(),
            category: cat,
            region: region.into(),
            currency: "KRW".into(),
            amount: 10,
            expires_at: 10,
        }
    }

    #[test]
    fn purpose_rules() {
        let grocery_seoul = g(&[5411], &["KR-11"], (0, 1440));
        assert_eq!(
            check_purpose(&grocery_seoul, &req(5411, "KR-11"), 2_000),
            Ok(())
        );
        assert_eq!(
            check_purpose(&grocery_seoul, &req(5814, "KR-11"), 2_000),
            Err(Ineligible::Category)
        );
        assert_eq!(
            check_purpose(&grocery_seoul, &req(5411, "KR-26"), 2_000),
            Err(Ineligible::Region)
        );
        assert_eq!(
            check_purpose(&grocery_seoul, &req(5411, "KR-11"), 999),
            Err(Ineligible::NotYetValid)
        );
        assert_eq!(
            check_purpose(&grocery_seoul, &req(5411, "KR-11"), 1_000_000),
            Err(Ineligible::Expired)
        );
        let country = g(&[], &["KR"], (0, 1440));
        assert_eq!(check_purpose(&country, &req(1, "KR-26"), 2_000), Ok(()));
        assert_eq!(
            check_purpose(&country, &req(1, "KRX-1"), 2_000),
            Err(Ineligible::Region)
        );
        // 09:00–18:00 KST: 00:30 UTC is 09:30 KST, 10:00 UTC is 19:00 KST.
        let office = g(&[], &[], (540, 1080));
        assert_eq!(
            check_purpose(&office, &req(1, "KR-11"), 86_400 * 10 + 1_800),
            Ok(())
        );
        assert_eq!(
            check_purpose(&office, &req(1, "KR-11"), 86_400 * 10 + 36_000),
            Err(Ineligible::Hours)
        );
        // 22:00–02:00 wraps past midnight.
        let night = g(&[], &[], (1320, 120));
        assert_eq!(
            check_purpose(&night, &req(1, "KR-11"), 86_400 * 10 + 15 * 3600 + 1800),
            Ok(())
        ); // 00:30 KST
        assert_eq!(
            check_purpose(&night, &req(1, "KR-11"), 86_400 * 10 + 3 * 3600),
            Err(Ineligible::Hours)
        ); // 12:00 KST
    }

    #[test]
    fn capacity_limits() {
        let mut v = g(&[], &[], (0, 1440));
        v.purpose.max_payment = 30;
        v.purpose.daily_limit = 50;
        assert_eq!(capacity(&v, 100, false, 0), Ok(30));
        assert_eq!(capacity(&v, 100, false, 40), Ok(10));
        assert_eq!(capacity(&v, 100, false, 50), Err(Ineligible::DailyLimit));
        assert_eq!(capacity(&v, 0, false, 0), Err(Ineligible::NoBalance));
        v.purpose.single_use = true;
        assert_eq!(capacity(&v, 100, true, 0), Err(Ineligible::SingleUseSpent));
    }

    #[test]
    fn selection_order() {
        let c = |id: u8, cap: u64, until: u64, min: u64| Candidate {
            id: [id; 32],
            capacity: cap,
            min_payment: min,
            valid_until: until,
        };
        // Soonest expiry first.
        let (a, left, _) = select(vec![c(1, 100, 500, 0), c(2, 100, 300, 0)], 150);
        assert_eq!(left, 0);
        assert_eq!(
            a,
            vec![
                Allocation {
                    voucher_id: [2; 32],
                    amount: 100
                },
                Allocation {
                    voucher_id: [1; 32],
                    amount: 50
                }
            ]
        );
        // Same expiry: the larger one first, so one voucher suffices.
        let (a, _, _) = select(vec![c(1, 60, 500, 0), c(2, 100, 500, 0)], 80);
        assert_eq!(
            a,
            vec![Allocation {
                voucher_id: [2; 32],
                amount: 80
            }]
        );
        // Shortfall and minimums.
        let (a, left, skipped) = select(vec![c(1, 50, 100, 0), c(2, 100, 200, 60)], 90);
        assert_eq!(
            a,
            vec![Allocation {
                voucher_id: [1; 32],
                amount: 50
            }]
        );
        assert_eq!((left, skipped), (40, vec![[2; 32]]));
    }
}
