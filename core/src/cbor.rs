//! Compact, strict CBOR for the core's own structs: a fixed-length array of the fields in
//! order. Hand-rolled `Encode`/`Decode` through one macro instead of minicbor's derive, whose
//! forward-compatible decoders (any order, unknown fields skipped) cost about 3 KB of code per
//! struct in the Wasm package and accept more than a signed payload should.

/// `cbor_array!(Type { a, b as bytes, c })`: encode `Type` as `[a, b, c]`; fields marked
/// `as bytes` are fixed-size byte arrays encoded as CBOR byte strings. Decoding requires exactly
/// that many fields.
macro_rules! cbor_array {
    ($t:ident { $($f:ident $(as $w:ident)?),* $(,)? }) => {
        impl<C> minicbor::Encode<C> for $t {
            fn encode<W: minicbor::encode::Write>(&self, e: &mut minicbor::Encoder<W>, ctx: &mut C) -> Result<(), minicbor::encode::Error<W::Error>> {
                e.array(cbor_array!(@count $($f)*))?;
                $( cbor_array!(@enc e ctx self.$f $(, $w)?); )*
                Ok(())
            }
        }
        impl<'b, C> minicbor::Decode<'b, C> for $t {
            fn decode(d: &mut minicbor::Decoder<'b>, ctx: &mut C) -> Result<Self, minicbor::decode::Error> {
                if d.array()? != Some(cbor_array!(@count $($f)*)) {
                    return Err(minicbor::decode::Error::message(concat!(stringify!($t), ": wrong number of fields")));
                }
                Ok($t { $( $f: cbor_array!(@dec d ctx $(, $w)?), )* })
            }
        }
    };
    (@count) => { 0u64 };
    (@count $h:ident $($rest:ident)*) => { 1u64 + cbor_array!(@count $($rest)*) };
    (@enc $e:ident $ctx:ident $v:expr) => { $e.encode_with(&$v, $ctx)?; };
    (@enc $e:ident $ctx:ident $v:expr, bytes) => { $e.bytes(&$v)?; };
    (@dec $d:ident $ctx:ident) => { $d.decode_with($ctx)? };
    (@dec $d:ident $ctx:ident, bytes) => {
        $d.bytes()?.try_into().map_err(|_| minicbor::decode::Error::message("a fixed-size byte field has the wrong length"))?
    };
}
