//! A store implemented in JavaScript (memory, IndexedDB cache, or the app's own).

use jigap_core::store::{Entry, Op, Store, StoreError, validate_batch};
use js_sys::{Array, Function, Uint8Array};
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;

use crate::convert::{get, obj};

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
        f.call1(&self.obj, arg).map_err(|e| {
            let msg = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| e.as_string())
                .unwrap_or_else(|| "the store threw".into());
            StoreError::Backend(msg)
        })
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
            ops.push(&obj(&[
                ("key", Uint8Array::from(key.as_slice()).into()),
                ("value", value),
            ]));
        }
        self.call("write", &ops.into()).map(|_| ())
    }
}
