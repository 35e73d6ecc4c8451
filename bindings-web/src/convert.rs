//! JS ⇄ Rust: the core's records through serde (their TypeScript types are generated from the
//! same derives), every error as one `JigapError`, and the app's clock.

use jigap_core::error::{Classify, ErrorClass};
use js_sys::{Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

pub type JsResult = Result<JsValue, JsValue>;

/// A JS `Error` named `JigapError` with a `kind` (the Kotlin exception's name) and a message.
pub fn error(kind: ErrorClass, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("JigapError");
    let _ = Reflect::set(&e, &"kind".into(), &kind.name().into());
    e.into()
}

/// The one conversion of core errors: the core names the kind, the message is its own.
pub trait Js<T> {
    fn js(self) -> Result<T, JsValue>;
}

impl<T, E: Classify> Js<T> for Result<T, E> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(|e| classified(&e))
    }
}

// One copy for every error type, not one per call site.
#[inline(never)]
fn classified(e: &dyn Classify) -> JsValue {
    error(e.class(), &e.to_string())
}

/// A core record as a plain JS object (64-bit numbers as BigInt; the npm package narrows the
/// ones that fit a number).
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> JsResult {
    let s = serde_wasm_bindgen::Serializer::new()
        .serialize_large_number_types_as_bigints(true)
        .serialize_maps_as_objects(true);
    v.serialize(&s)
        .map_err(|e| error(ErrorClass::Internal, &e.to_string()))
}

/// A JS value as a core record; what does not fit is `InvalidInput`, naming `what`.
pub fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v)
        .map_err(|e| error(ErrorClass::InvalidInput, &format!("{what}: {e}")))
}

/// Text parsed by the core's own `FromStr` (addresses, ids, …).
pub fn parse<T: std::str::FromStr>(s: &str) -> Result<T, JsValue>
where
    T::Err: Classify,
{
    s.parse::<T>().js()
}

/// A `Uint8Array` (anything else is `InvalidInput` naming `what`, never a broken call).
pub fn bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if v.is_instance_of::<Uint8Array>() {
        return Ok(Uint8Array::new(v).to_vec());
    }
    Err(error(
        ErrorClass::InvalidInput,
        &format!("{what} must be a Uint8Array"),
    ))
}

/// A `Uint8Array`, or a string taken as UTF-8.
pub fn bytes_or_text(v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    if v.is_instance_of::<Uint8Array>() {
        return Ok(Uint8Array::new(v).to_vec());
    }
    Err(error(
        ErrorClass::InvalidInput,
        "expected a Uint8Array or a string",
    ))
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
                ErrorClass::InvalidInput,
                "expected JSON text or a JSON-serialisable object",
            )
        })
}

/// `Date.now()`: wasm32 has no system clock of its own.
pub(crate) struct JsClock;

impl jigap_core::env::Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

pub(crate) fn env() -> jigap_core::env::Env {
    use std::sync::Arc;
    jigap_core::env::Env::new(Arc::new(JsClock), Arc::new(jigap_core::env::OsRandom))
}

// The app's clock, for the gate, the ticket issuer and the credential checks.
#[cfg(any(feature = "tickets", feature = "credentials"))]
mod app_clock {
    use super::{JsClock, env, error};
    use jigap_core::error::ErrorClass;
    use js_sys::Reflect;
    use wasm_bindgen::prelude::*;

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
    pub(crate) fn js_clock(
        v: JsValue,
    ) -> Result<std::sync::Arc<dyn jigap_core::env::Clock>, JsValue> {
        if v.is_undefined() || v.is_null() {
            return Ok(std::sync::Arc::new(JsClock));
        }
        let clock = JsFnClock(send_wrapper::SendWrapper::new(v));
        if clock.read().is_none() {
            return Err(error(
                ErrorClass::InvalidInput,
                "clock must be a function returning milliseconds since 1970, or an object with nowMs(); it threw or returned something else",
            ));
        }
        Ok(std::sync::Arc::new(clock))
    }

    /// An environment with the app's clock and the browser's randomness.
    pub(crate) fn env_with(clock: JsValue) -> Result<jigap_core::env::Env, JsValue> {
        Ok(jigap_core::env::Env::new(js_clock(clock)?, env().random))
    }
}

#[cfg(any(feature = "tickets", feature = "credentials"))]
pub(crate) use app_clock::env_with;
#[cfg(feature = "credentials")]
pub(crate) use app_clock::js_clock;
