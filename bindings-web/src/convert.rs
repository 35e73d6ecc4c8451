//! JS ⇄ Rust conversions and the typed `JigapError`.

use jigap_core::keys::KeysError;
use jigap_core::store::StoreError;
use jigap_core::vault::{KdfParams, VaultError};
use jigap_core::wallet::WalletError;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

pub type JsResult = Result<JsValue, JsValue>;

/// A JS `Error` named `JigapError` with a `kind` (the Kotlin exception's name) and the core's
/// message.
pub fn error(kind: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("JigapError");
    let _ = Reflect::set(&e, &"kind".into(), &kind.into());
    e.into()
}

/// Map any core error to a `JigapError`.
pub fn err<E: Into<Kinded>>(e: E) -> JsValue {
    let k: Kinded = e.into();
    error(k.0, &k.1)
}

/// A kind and a message.
pub struct Kinded(&'static str, String);

impl From<KeysError> for Kinded {
    fn from(e: KeysError) -> Self {
        let kind = match e {
            KeysError::KeystoreMac => "Authentication",
            KeysError::Random(_) => "Internal",
            _ => "InvalidInput",
        };
        Kinded(kind, e.to_string())
    }
}

impl From<StoreError> for Kinded {
    fn from(e: StoreError) -> Self {
        Kinded("Storage", e.to_string())
    }
}

impl From<VaultError> for Kinded {
    fn from(e: VaultError) -> Self {
        let kind = match &e {
            VaultError::WrongPin { .. } => "WrongPin",
            VaultError::TooSoon { .. } => "TooSoon",
            VaultError::LockedOut(_) => "LockedOut",
            VaultError::Locked => "Locked",
            VaultError::Tampered(_) | VaultError::BackupAuthentication => "Authentication",
            VaultError::NotFound => "NotFound",
            VaultError::AlreadyExists => "AlreadyExists",
            VaultError::Store(_) => "Storage",
            VaultError::Protector(_) | VaultError::ProtectorMissing(_) => "Protector",
            VaultError::PinFormat
            | VaultError::RecordName(_)
            | VaultError::WeakPassphrase { .. }
            | VaultError::BackupCodeFormat
            | VaultError::Format(_) => "InvalidInput",
            _ => "Internal",
        };
        Kinded(kind, e.to_string())
    }
}

impl From<WalletError> for Kinded {
    fn from(e: WalletError) -> Self {
        match e {
            WalletError::Keys(k) => k.into(),
            WalletError::Vault(v) => v.into(),
            WalletError::UnknownAccount(_) => Kinded("UnknownAccount", e.to_string()),
            _ => Kinded("Internal", e.to_string()),
        }
    }
}

/// A plain JS object from (name, value) pairs.
pub fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// A property of a JS object.
pub fn get(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

/// A `Uint8Array`, or a string taken as UTF-8.
pub fn bytes_or_text(v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if v.is_instance_of::<Uint8Array>() {
        return Ok(Uint8Array::new(v).to_vec());
    }
    Err(error("InvalidInput", "expected a Uint8Array or a string"))
}

/// A JSON string as is, or an object serialised with `JSON.stringify`.
pub fn json_text(v: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            error(
                "InvalidInput",
                "expected JSON text or a JSON-serialisable object",
            )
        })
}

pub fn kdf_to_js(k: KdfParams) -> JsValue {
    obj(&[
        ("mKib", k.m_kib.into()),
        ("t", k.t.into()),
        ("p", k.p.into()),
    ])
}

/// `{mKib, t, p}` → parameters; `undefined`/`null` → `None`.
pub fn kdf_from_js(v: &JsValue) -> Result<Option<KdfParams>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let num = |name: &str| -> Result<u32, JsValue> {
        get(v, name)
            .as_f64()
            .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= f64::from(u32::MAX))
            .map(|x| x as u32)
            .ok_or_else(|| {
                error(
                    "InvalidInput",
                    &format!("kdf.{name} must be a whole number"),
                )
            })
    };
    Ok(Some(KdfParams {
        m_kib: num("mKib")?,
        t: num("t")?,
        p: num("p")?,
    }))
}

impl From<jigap_core::credential::CredentialError> for Kinded {
    fn from(e: jigap_core::credential::CredentialError) -> Self {
        use jigap_core::credential::CredentialError as C;
        match (e.class(), e) {
            (Some(class), e) => Kinded(class.name(), e.to_string()),
            (None, C::Wallet(w)) => w.into(),
            (None, C::Vault(v)) => v.into(),
            (None, e) => Kinded("Internal", e.to_string()),
        }
    }
}

/// A clock written in JavaScript: a function returning Unix milliseconds, or an object with
/// `nowMs()`. wasm32 runs one thread, so the wrapper's thread rule always holds.
struct JsFnClock(send_wrapper::SendWrapper<JsValue>);

impl JsFnClock {
    fn read(&self) -> Option<u64> {
        let v: &JsValue = &self.0;
        let out = if let Some(f) = v.dyn_ref::<js_sys::Function>() {
            f.call0(&JsValue::UNDEFINED)
        } else {
            match Reflect::get(v, &"nowMs".into()).map(|f| f.dyn_into::<js_sys::Function>()) {
                Ok(Ok(f)) => f.call0(v),
                _ => Err(JsValue::UNDEFINED),
            }
        };
        match out.ok().and_then(|x| x.as_f64()) {
            Some(ms) if ms.is_finite() && ms >= 0.0 => Some(ms as u64),
            _ => None,
        }
    }
}

impl jigap_core::env::Clock for JsFnClock {
    fn now_ms(&self) -> u64 {
        // Checked at construction. If it throws later, read the real time for that call (the
        // same rule as the Kotlin and Swift clocks): a gate must keep working.
        self.read().unwrap_or_else(|| js_sys::Date::now() as u64)
    }
}

/// The app's clock (`undefined`/`null`: `Date.now()`); refused unless it returns a time now.
pub(crate) fn js_clock(v: JsValue) -> Result<std::sync::Arc<dyn jigap_core::env::Clock>, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(std::sync::Arc::new(crate::JsClock));
    }
    let clock = JsFnClock(send_wrapper::SendWrapper::new(v));
    if clock.read().is_none() {
        return Err(error(
            "InvalidInput",
            "clock must be a function returning milliseconds since 1970, or an object with nowMs(); it threw or returned something else",
        ));
    }
    Ok(std::sync::Arc::new(clock))
}

/// A whole number as a JS number, or a BigInt above 2^53 (amounts and times are far below it in
/// practice).
pub(crate) fn u(x: u64) -> JsValue {
    if x <= (1u64 << 53) {
        JsValue::from(x as f64)
    } else {
        JsValue::from(js_sys::BigInt::from(x))
    }
}

/// A whole-number property (number or BigInt); `default` when absent.
pub(crate) fn num(o: &JsValue, name: &str, default: Option<u64>) -> Result<u64, JsValue> {
    let val = get(o, name);
    if val.is_undefined() || val.is_null() {
        return default.ok_or_else(|| error("InvalidInput", &format!("{name} is missing")));
    }
    whole(&val, name)
}

/// A whole number given as a JS number (exact, 0 to 2^53 − 1) or a BigInt (0 to 2^64 − 1).
pub(crate) fn whole(val: &JsValue, name: &str) -> Result<u64, JsValue> {
    if let Ok(b) = val.clone().dyn_into::<js_sys::BigInt>() {
        return u64::try_from(b)
            .map_err(|_| error("InvalidInput", &format!("{name} must be 0 to 2^64 − 1")));
    }
    val.as_f64()
        .filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= 9_007_199_254_740_991.0)
        .map(|x| x as u64)
        .ok_or_else(|| error("InvalidInput", &format!("{name} must be a whole number")))
}

/// An EIP-55 address (a wrong mixed-case checksum is refused).
pub(crate) fn addr(s: &str) -> Result<jigap_core::keys::Address, JsValue> {
    s.parse().map_err(err)
}

/// A JS array of `f(item)`.
pub(crate) fn arr<T>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> JsValue) -> JsValue {
    let a = js_sys::Array::new();
    for i in items {
        a.push(&f(i));
    }
    a.into()
}
