//! Argon2id key derivation for the PIN, its parameters, and calibration to a device.

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::VaultError;
use crate::env::Clock;

/// Hard ceilings on parameters read from a header or a backup, so a damaged or hostile file
/// cannot make the device allocate gigabytes or spin for minutes. They sit well above what a
/// real header holds (the default is 64 MiB, 3 passes; calibration never goes past these)
/// and well below what would freeze a phone: 256 MiB, 16 passes, 8 lanes is about 10 s of
/// work on a phone-class core at worst.
pub(crate) const MAX_M_KIB: u32 = 256 * 1024;
pub(crate) const MAX_T: u32 = 16;
pub(crate) const MAX_P: u32 = 8;

/// Argon2id parameters, stored in the vault header beside the salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, serde::Deserialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The production default: 64 MiB, 3 passes, 1 lane — 0.3–1 s on a phone-class core.
    /// Prefer [`calibrate`] on the device itself.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// A deliberately weak setting for tests and the labelled demo only: 256 KiB, 1 pass.
    pub const FAST_INSECURE: KdfParams = KdfParams {
        m_kib: 256,
        t: 1,
        p: 1,
    };

    /// Memory × passes: a rough measure of cost, used to decide whether to re-wrap.
    pub fn cost(&self) -> u64 {
        u64::from(self.m_kib) * u64::from(self.t)
    }

    pub(crate) fn check(&self) -> Result<(), VaultError> {
        if self.m_kib > MAX_M_KIB || self.t > MAX_T || self.p > MAX_P || self.t == 0 || self.p == 0
        {
            return Err(VaultError::Format(format!(
                "Argon2id parameters out of range (m={} KiB, t={}, p={})",
                self.m_kib, self.t, self.p
            )));
        }
        if self.m_kib < 8 * self.p {
            return Err(VaultError::Format(
                "Argon2id memory below 8 KiB per lane".into(),
            ));
        }
        Ok(())
    }

    /// Derive a 32-byte key from `secret` and `salt`.
    pub fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, VaultError> {
        self.check()?;
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| VaultError::Format(format!("Argon2id parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, salt, &mut *out)
            .map_err(|e| VaultError::Format(format!("Argon2id: {e}")))?;
        Ok(out)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

/// Pick the strongest Argon2id parameters that take about `target_ms` on this device, using at
/// most `max_m_kib` of memory (64 MiB is a safe ceiling on phones).
///
/// It first times one pass at the memory ceiling; if that is already slower than the target it
/// lowers the memory (never below 8 MiB), otherwise it adds passes until the target is reached.
///
/// ```
/// use jigap_core::{env::SystemClock, vault::calibrate};
/// let p = calibrate(&SystemClock, 50, 4 * 1024).unwrap();
/// assert!(p.t >= 1 && p.m_kib >= 1024);
/// ```
pub fn calibrate(
    clock: &dyn Clock,
    target_ms: u64,
    max_m_kib: u32,
) -> Result<KdfParams, VaultError> {
    let target_ms = target_ms.max(1);
    let floor_m = (8 * 1024).min(max_m_kib).max(8);
    let mut m = max_m_kib.clamp(floor_m, MAX_M_KIB);
    let probe = |m_kib: u32| -> Result<u64, VaultError> {
        let p = KdfParams { m_kib, t: 1, p: 1 };
        let start = clock.now_ms();
        p.derive(b"calibration", b"jigap-calibration-salt")?;
        Ok(clock.now_ms().saturating_sub(start).max(1))
    };
    let mut one_pass = probe(m)?;
    if one_pass > target_ms {
        // Too slow even with one pass: scale memory down (time is roughly linear in memory).
        m = ((u64::from(m) * target_ms / one_pass) as u32).clamp(floor_m, m);
        one_pass = probe(m)?;
    }
    let t = (target_ms / one_pass).clamp(1, u64::from(MAX_T)) as u32;
    Ok(KdfParams { m_kib: m, t, p: 1 })
}

/// The form of [`KdfParams`] in vault and backup headers (`{"m_kib", "t", "p"}`), kept apart
/// from the type's own serde so headers read the same on every platform.
pub(crate) mod header_form {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::KdfParams;

    #[derive(Serialize, Deserialize)]
    struct Form {
        m_kib: u32,
        t: u32,
        p: u32,
    }

    pub fn serialize<S: Serializer>(k: &KdfParams, s: S) -> Result<S::Ok, S::Error> {
        Form {
            m_kib: k.m_kib,
            t: k.t,
            p: k.p,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<KdfParams, D::Error> {
        let f = Form::deserialize(d)?;
        Ok(KdfParams {
            m_kib: f.m_kib,
            t: f.t,
            p: f.p,
        })
    }
}
