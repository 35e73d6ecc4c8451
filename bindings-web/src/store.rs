//! What JavaScript implements: a store (memory, IndexedDB cache, or the app's own) and a key
//! protector.

use jigap_core::store::{Entry, Op, Store, StoreError, conformance, validate_batch};
use jigap_core::vault::{KeyProtector, ProtectorError};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;

use crate::convert::Js;

#[wasm_bindgen(typescript_custom_section)]
const JS_INTERFACES: &'static str = r#"
/** One change of a batch: `value: null` deletes `key`. */
export interface StoreOp { key: Uint8Array; value: Uint8Array | null }
export interface StoreEntry { key: Uint8Array; value: Uint8Array }
/**
 * A store: synchronous get/scan/write over byte keys; `write` applies a batch atomically;
 * `scan` returns the entries under `prefix` in byte order. An optional async `flush()` is awaited
 * after every call (how IndexedDbStore commits).
 */
export interface Store {
  get(key: Uint8Array): Uint8Array | undefined | null;
  scan(prefix: Uint8Array): StoreEntry[];
  write(ops: StoreOp[]): void;
  flush?(): Promise<void>;
}
/** A platform key that wraps the vault's data key a second time (synchronous). */
export interface KeyProtector {
  id(): string;
  wrap(data: Uint8Array): Uint8Array;
  unwrap(data: Uint8Array): Uint8Array;
}
/** A clock: milliseconds since 1970 (a function, or an object with `nowMs()`). */
export type Clock = (() => number) | { nowMs(): number };
"#;

fn get(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The message of what a JS function threw.
fn thrown(e: &JsValue, default: &str) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| default.into())
}

/// Calls `get(key)`, `scan(prefix)` and `write(ops)` on a JS object. wasm32 runs one thread,
/// so the wrapper's "used only on its own thread" rule always holds.
pub struct JsStore {
    obj: SendWrapper<JsValue>,
}

impl JsStore {
    pub fn new(obj: JsValue) -> JsStore {
        JsStore {
            obj: SendWrapper::new(obj),
        }
    }

    fn call(&self, method: &str, arg: &JsValue) -> Result<JsValue, StoreError> {
        let f: Function = get(&self.obj, method)
            .dyn_into()
            .map_err(|_| StoreError::Backend(format!("the store has no {method}() method")))?;
        f.call1(&self.obj, arg)
            .map_err(|e| StoreError::Backend(thrown(&e, "the store threw")))
    }
}

fn to_bytes(v: &JsValue, what: &str) -> Result<Vec<u8>, StoreError> {
    if v.is_instance_of::<Uint8Array>() {
        Ok(Uint8Array::new(v).to_vec())
    } else {
        Err(StoreError::Backend(format!(
            "the store returned a {what} that is not a Uint8Array"
        )))
    }
}

impl Store for JsStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let v = self.call("get", &Uint8Array::from(key).into())?;
        if v.is_undefined() || v.is_null() {
            Ok(None)
        } else {
            to_bytes(&v, "value").map(Some)
        }
    }

    fn scan(&self, prefix: &[u8]) -> Result<Vec<Entry>, StoreError> {
        let v = self.call("scan", &Uint8Array::from(prefix).into())?;
        let arr: Array = v.dyn_into().map_err(|_| {
            StoreError::Backend("scan() must return an array of {key, value}".into())
        })?;
        arr.iter()
            .map(|e| {
                Ok((
                    to_bytes(&get(&e, "key"), "key")?,
                    to_bytes(&get(&e, "value"), "value")?,
                ))
            })
            .collect()
    }

    fn write(&self, batch: &[Op]) -> Result<(), StoreError> {
        validate_batch(batch)?;
        let ops = Array::new();
        for op in batch {
            let (key, value) = match op {
                Op::Put { key, value } => (key, JsValue::from(Uint8Array::from(value.as_slice()))),
                Op::Delete { key } => (key, JsValue::NULL),
            };
            let o = Object::new();
            let _ = Reflect::set(&o, &"key".into(), &Uint8Array::from(key.as_slice()).into());
            let _ = Reflect::set(&o, &"value".into(), &value);
            ops.push(&o);
        }
        self.call("write", &ops.into()).map(|_| ())
    }
}

/// Run every conformance case on a JS store (which must be empty); `Storage` lists each broken
/// rule by case.
pub fn check(store: JsValue) -> Result<(), JsValue> {
    conformance::check_store(&JsStore::new(store)).js()
}

/// Run the conformance case `name` on a JS store (which must be empty).
pub fn check_case(store: JsValue, name: &str) -> Result<(), JsValue> {
    conformance::run_case(&JsStore::new(store), name).js()
}

/// A key protector written in JavaScript: `{ id(), wrap(Uint8Array), unwrap(Uint8Array) }`,
/// synchronous (Node's `crypto`, or a key the app already holds).
pub struct JsProtector(SendWrapper<JsValue>);

impl JsProtector {
    /// The app's protector, if it gave one.
    pub fn of(v: JsValue) -> Option<std::sync::Arc<dyn KeyProtector>> {
        if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(std::sync::Arc::new(JsProtector(SendWrapper::new(v))))
        }
    }

    fn call(&self, method: &str, arg: &[u8]) -> Result<Vec<u8>, ProtectorError> {
        let f: Function = get(&self.0, method)
            .dyn_into()
            .map_err(|_| ProtectorError(format!("the protector has no {method}()")))?;
        let out = f
            .call1(&self.0, &Uint8Array::from(arg).into())
            .map_err(|e| ProtectorError(thrown(&e, "the protector threw")))?;
        if out.is_instance_of::<Uint8Array>() {
            Ok(Uint8Array::new(&out).to_vec())
        } else {
            Err(ProtectorError(format!(
                "{method}() must return a Uint8Array"
            )))
        }
    }
}

impl KeyProtector for JsProtector {
    fn id(&self) -> String {
        get(&self.0, "id")
            .dyn_into::<Function>()
            .ok()
            .and_then(|f| f.call0(&self.0).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "js-protector".into())
    }
    fn wrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.call("wrap", &data)
    }
    fn unwrap(&self, data: Vec<u8>) -> Result<Vec<u8>, ProtectorError> {
        self.call("unwrap", &data)
    }
}
