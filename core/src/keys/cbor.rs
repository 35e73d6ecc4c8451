//! CBOR encodings of addresses and signatures (byte strings of 20 and 65 bytes).

use minicbor::decode::{Decoder, Error as DecodeError};
use minicbor::encode::{Encoder, Error as EncodeError, Write};
use minicbor::{Decode, Encode};

use super::{Address, Signature};

impl<C> Encode<C> for Address {
    fn encode<W: Write>(&self, e: &mut Encoder<W>, _: &mut C) -> Result<(), EncodeError<W::Error>> {
        e.bytes(&self.0)?;
        Ok(())
    }
}

impl<'b, C> Decode<'b, C> for Address {
    fn decode(d: &mut Decoder<'b>, _: &mut C) -> Result<Self, DecodeError> {
        let b = d.bytes()?;
        Address::from_slice(b).map_err(|_| DecodeError::message("an address is 20 bytes"))
    }
}

impl<C> Encode<C> for Signature {
    fn encode<W: Write>(&self, e: &mut Encoder<W>, _: &mut C) -> Result<(), EncodeError<W::Error>> {
        e.bytes(&self.to_bytes())?;
        Ok(())
    }
}

impl<'b, C> Decode<'b, C> for Signature {
    fn decode(d: &mut Decoder<'b>, _: &mut C) -> Result<Self, DecodeError> {
        let b = d.bytes()?;
        Signature::from_bytes(b).map_err(|_| DecodeError::message("a signature is 65 bytes r‖s‖v"))
    }
}
