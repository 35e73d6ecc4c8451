//! Compact CBOR for the ticket payloads: a canonical writer (shortest-form heads, definite
//! lengths) and a strict reader that checks every length and refuses trailing bytes.

use minicbor::Decoder;

use super::TicketError;

/// Appends canonical CBOR items to a buffer.
#[derive(Default)]
pub(crate) struct Writer(pub Vec<u8>);

impl Writer {
    pub fn new() -> Writer {
        Writer(Vec::with_capacity(320))
    }

    fn head(&mut self, major: u8, n: u64) {
        let m = major << 5;
        if n < 24 {
            self.0.push(m | n as u8);
        } else if n <= 0xff {
            self.0.extend_from_slice(&[m | 24, n as u8]);
        } else if n <= 0xffff {
            self.0.push(m | 25);
            self.0.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            self.0.push(m | 26);
            self.0.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            self.0.push(m | 27);
            self.0.extend_from_slice(&n.to_be_bytes());
        }
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.head(0, v);
        self
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.head(3, s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
        self
    }

    pub fn array(&mut self, n: usize) -> &mut Self {
        self.head(4, n as u64);
        self
    }

    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.0.push(if b { 0xf5 } else { 0xf4 });
        self
    }
}

/// Reads one payload; every error names the payload and the field.
pub(crate) struct Reader<'b> {
    d: Decoder<'b>,
    what: &'static str,
}

impl<'b> Reader<'b> {
    pub fn new(bytes: &'b [u8], what: &'static str) -> Reader<'b> {
        Reader {
            d: Decoder::new(bytes),
            what,
        }
    }

    fn err(&self, field: &str, e: impl std::fmt::Display) -> TicketError {
        TicketError::Malformed {
            what: self.what,
            reason: format!("{field}: {e}"),
        }
    }

    /// A definite-length array of exactly `n` items.
    pub fn array(&mut self, field: &str, n: u64) -> Result<(), TicketError> {
        match self.d.array().map_err(|e| self.err(field, e))? {
            Some(len) if len == n => Ok(()),
            Some(len) => Err(self.err(field, format!("{len} items, expected {n}"))),
            None => Err(self.err(field, "indefinite-length array")),
        }
    }

    /// A definite-length array of at most `max` items; returns its length.
    pub fn array_max(&mut self, field: &str, max: u64) -> Result<u64, TicketError> {
        match self.d.array().map_err(|e| self.err(field, e))? {
            Some(len) if len <= max => Ok(len),
            Some(len) => Err(self.err(field, format!("{len} items, at most {max} allowed"))),
            None => Err(self.err(field, "indefinite-length array")),
        }
    }

    /// A text string of at most `max` bytes.
    pub fn str(&mut self, field: &str, max: usize) -> Result<&'b str, TicketError> {
        let s = self.d.str().map_err(|e| self.err(field, e))?;
        if s.len() > max {
            return Err(self.err(field, format!("{} bytes, at most {max} allowed", s.len())));
        }
        Ok(s)
    }

    /// A byte string of exactly `N` bytes.
    pub fn fixed<const N: usize>(&mut self, field: &str) -> Result<[u8; N], TicketError> {
        let b = self.d.bytes().map_err(|e| self.err(field, e))?;
        b.try_into()
            .map_err(|_| self.err(field, format!("{} bytes, expected {N}", b.len())))
    }

    /// A byte string of at most `max` bytes.
    pub fn bytes(&mut self, field: &str, max: usize) -> Result<&'b [u8], TicketError> {
        let b = self.d.bytes().map_err(|e| self.err(field, e))?;
        if b.len() > max {
            return Err(self.err(field, format!("{} bytes, at most {max} allowed", b.len())));
        }
        Ok(b)
    }

    pub fn u64(&mut self, field: &str) -> Result<u64, TicketError> {
        self.d.u64().map_err(|e| self.err(field, e))
    }

    pub fn u8(&mut self, field: &str) -> Result<u8, TicketError> {
        self.d.u8().map_err(|e| self.err(field, e))
    }

    pub fn bool(&mut self, field: &str) -> Result<bool, TicketError> {
        self.d.bool().map_err(|e| self.err(field, e))
    }

    /// Refuse trailing bytes.
    pub fn finish(self) -> Result<(), TicketError> {
        let left = self.d.input().len() - self.d.position();
        if left != 0 {
            return Err(self.err("end", format!("{left} unexpected trailing bytes")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_heads_and_strict_reads() {
        let mut w = Writer::new();
        w.array(6)
            .u64(23)
            .u64(24)
            .u64(65_536)
            .str("hé")
            .bytes(&[1, 2])
            .bool(true);
        assert_eq!(
            w.0,
            [
                0x86, 0x17, 0x18, 0x18, 0x1a, 0, 1, 0, 0, 0x63, b'h', 0xc3, 0xa9, 0x42, 1, 2, 0xf5
            ]
        );
        let mut r = Reader::new(&w.0, "test");
        r.array("a", 6).unwrap();
        assert_eq!(r.u64("x").unwrap(), 23);
        assert_eq!(r.u8("x").unwrap(), 24);
        assert_eq!(r.u64("x").unwrap(), 65_536);
        assert!(r.str("s", 2).is_err(), "3 bytes > 2");
        let mut r = Reader::new(&w.0[9..], "test");
        assert_eq!(r.str("s", 3).unwrap(), "hé");
        assert_eq!(r.fixed::<2>("b").unwrap(), [1, 2]);
        assert!(r.bool("b").unwrap());
        r.finish().unwrap();
        let mut r = Reader::new(&[0x42, 1, 2, 0], "test");
        assert!(r.fixed::<3>("b").is_err());
        let mut r = Reader::new(&[0x41, 1, 0], "test");
        r.fixed::<1>("b").unwrap();
        assert!(r.finish().is_err());
    }
}
