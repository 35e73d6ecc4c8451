//! QR payloads: a type tag, then base45 (QR alphanumeric mode) of a version byte and compact
//! CBOR; and QR codes themselves, as a module matrix, SVG, or text for a terminal.
//!
//! ```text
//! TAG:<base45( version ‖ CBOR )>
//!
//! JGVG  voucher grant            issuer → wallet          (voucher::codec)
//! JGPR  payment request          merchant → wallet
//! JGRD  redemption               wallet → merchant
//! JGST  settlement               issuer → wallet
//! JGRF  refund                   issuer → wallet
//! JGID  ticket identity          holder/issuer → anyone   (ticket::keys)
//! JGTG  ticket grant             issuer → wallet          (ticket::grant)
//! JGTP  ticket pass              wallet → gate            (ticket::pass)
//! JGTR  ticket transfer request  seller → issuer          (ticket::transfer)
//! JGGA  gate authorization       issuer → gate            (ticket::gate)
//! JGCR  check-in receipt         gate → wallet            (ticket::gate)
//! ```
//!
//! Credentials travel in their own standard text forms (compact JWS, SD-JWT), not in these.
//!
//! Every character of base45 and of the tags is in the QR alphanumeric set, so a payload costs
//! 5.5 bits per character in the code rather than 8.

use qrcode::{EcLevel, QrCode as Encoder};

/// Longest QR text accepted by the decoders (a version-40 code holds 4,296 alphanumerics).
pub const MAX_QR_TEXT: usize = 4296;

/// What went wrong reading a QR payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// Not this kind of payload.
    #[error("this QR code is not a {expected} (it should start with '{tag}:')")]
    WrongType {
        /// What was expected, in words.
        expected: &'static str,
        /// The tag it must start with.
        tag: &'static str,
    },
    /// Bad characters or length.
    #[error("the QR payload is damaged (not valid base45); scan it again")]
    Base45,
    /// Empty or too long.
    #[error("the QR payload is {0} characters long, which no valid code is; scan it again")]
    Length(usize),
    /// Unknown format version.
    #[error(
        "the QR payload uses format version {got}, but this app understands version {supported}; update the app"
    )]
    Version {
        /// Found.
        got: u8,
        /// Supported.
        supported: u8,
    },
    /// CBOR did not decode to the expected structure.
    #[error("the QR payload is damaged or truncated ({0}); scan it again")]
    Cbor(String),
    /// Too much data for a QR code.
    #[error("too much data for a QR code ({0} characters)")]
    TooLarge(usize),
}

/// Tag, base45 and version byte around CBOR bytes.
pub fn wrap(tag: &str, version: u8, cbor: &[u8]) -> String {
    let mut raw = Vec::with_capacity(cbor.len() + 1);
    raw.push(version);
    raw.extend_from_slice(cbor);
    format!("{tag}:{}", base45::encode(raw))
}

/// Check the tag and version and return the CBOR bytes.
pub fn unwrap(
    text: &str,
    tag: &'static str,
    expected: &'static str,
    version: u8,
) -> Result<Vec<u8>, QrError> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_QR_TEXT {
        return Err(QrError::Length(text.len()));
    }
    let body = text
        .strip_prefix(tag)
        .and_then(|r| r.strip_prefix(':'))
        .ok_or(QrError::WrongType { expected, tag })?;
    let raw = base45::decode(body).map_err(|_| QrError::Base45)?;
    let (&v, cbor) = raw.split_first().ok_or(QrError::Length(text.len()))?;
    if v != version {
        return Err(QrError::Version {
            got: v,
            supported: version,
        });
    }
    Ok(cbor.to_vec())
}

/// Decode CBOR into `T`, refusing trailing bytes.
pub fn from_cbor<'b, T: minicbor::Decode<'b, ()>>(bytes: &'b [u8]) -> Result<T, QrError> {
    let mut d = minicbor::Decoder::new(bytes);
    let v = d.decode::<T>().map_err(|e| QrError::Cbor(e.to_string()))?;
    if d.position() != bytes.len() {
        return Err(QrError::Cbor(format!(
            "{} unexpected trailing bytes",
            bytes.len() - d.position()
        )));
    }
    Ok(v)
}

/// Encode `T` as CBOR.
pub fn to_cbor<T: minicbor::Encode<()>>(value: &T) -> Vec<u8> {
    // Writing into a Vec cannot fail.
    minicbor::to_vec(value).unwrap_or_default()
}

/// A QR code as a square matrix of dark (`true`) and light modules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct QrImage {
    /// Modules per side.
    pub size: u32,
    /// QR version (1–40).
    pub version: u8,
    /// Row-major, `size × size`; `true` is dark.
    pub modules: Vec<bool>,
}

/// A QR code to show: its modules (for native drawing) and an SVG.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct QrCode {
    /// Modules per side.
    pub size: u32,
    /// QR version (1–40).
    pub version: u8,
    /// Row-major `size × size`; `true` is dark. Draw with the platform's graphics.
    pub modules: Vec<bool>,
    /// An SVG rendering with a quiet zone.
    pub svg: String,
}

impl QrImage {
    /// With its SVG (`module_px` pixels per module).
    pub fn picture(self, module_px: u32) -> QrCode {
        QrCode {
            svg: self.to_svg(module_px),
            size: self.size,
            version: self.version,
            modules: self.modules,
        }
    }
}

impl QrImage {
    /// Encode `text` at error-correction level M, in the smallest version that holds it.
    pub fn encode(text: &str) -> Result<QrImage, QrError> {
        let code = Encoder::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|_| QrError::TooLarge(text.len()))?;
        let version = match code.version() {
            qrcode::Version::Normal(v) => v as u8,
            qrcode::Version::Micro(v) => v as u8,
        };
        Ok(QrImage {
            size: code.width() as u32,
            version,
            modules: code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at (`x`, `y`) is dark.
    pub fn dark(&self, x: u32, y: u32) -> bool {
        x < self.size && y < self.size && self.modules[(y * self.size + x) as usize]
    }

    /// An SVG image with a 4-module quiet zone; `module_px` pixels per module.
    pub fn to_svg(&self, module_px: u32) -> String {
        let side = (self.size + 8) * module_px;
        let mut path = String::new();
        for y in 0..self.size {
            for x in 0..self.size {
                if self.dark(x, y) {
                    path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\"><rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
            n = self.size + 8
        )
    }

    /// Text for a terminal in the default [`TerminalStyle`]: black on white in explicit
    /// colours, dark modules as blocks, a 4-module quiet zone, so it scans on light and dark
    /// terminals alike.
    pub fn to_terminal(&self) -> String {
        self.to_terminal_with(TerminalStyle::default())
    }

    /// Text for a terminal: two modules per character cell (half blocks `▀ ▄ █`), with the
    /// 4-module quiet zone scanners need.
    ///
    /// ```
    /// use jigap_core::qr::{QrImage, TerminalStyle};
    /// let q = QrImage::encode("JGTP:1234").unwrap();
    /// let plain = q.to_terminal_with(TerminalStyle { colours: false, invert: false });
    /// // (21 + 8) rows of modules, two per line.
    /// assert_eq!(plain.lines().count(), 15);
    /// // Two lines of quiet zone, then the top-left finder pattern, 4 modules in.
    /// assert!(plain.lines().nth(2).unwrap().starts_with("    █▀▀▀▀▀█"));
    /// assert!(q.to_terminal().starts_with("\x1b[38;5;16;48;5;231m"));
    /// ```
    pub fn to_terminal_with(&self, style: TerminalStyle) -> String {
        const QUIET: i64 = 4;
        let n = self.size as i64;
        // Outside the matrix (the quiet zone, and the half row below an odd height) is light.
        let dark = |x: i64, y: i64| {
            (0..n).contains(&x) && (0..n).contains(&y) && self.dark(x as u32, y as u32)
        };
        let inked = |x: i64, y: i64| dark(x, y) != style.invert;
        let (start, end) = match (style.colours, style.invert) {
            // 256-colour indices 16 (#000000) and 231 (#ffffff) come from the fixed colour
            // cube, which themes do not remap (unlike the 16 named colours).
            (true, false) => ("\x1b[38;5;16;48;5;231m", "\x1b[0m"),
            (true, true) => ("\x1b[38;5;231;48;5;16m", "\x1b[0m"),
            (false, _) => ("", ""),
        };
        let mut out = String::new();
        let mut y = -QUIET;
        while y < n + QUIET {
            out.push_str(start);
            for x in -QUIET..n + QUIET {
                let bottom = y + 1 < n + QUIET && inked(x, y + 1);
                out.push(match (inked(x, y), bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            // Reset before the newline, so the background does not run to the window's edge.
            out.push_str(end);
            out.push('\n');
            y += 2;
        }
        out
    }
}

/// How [`QrImage::to_terminal_with`] draws a code. The default (colours on, not inverted)
/// scans on any terminal that shows colours, light or dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalStyle {
    /// Paint the code black on white with ANSI 256-colour codes, whatever the terminal's own
    /// colours. Without colours the blocks take the terminal's text colour: right for dark
    /// text on a light background, inverted (which many scanners refuse) on a dark one.
    pub colours: bool,
    /// Draw the light modules (and the quiet zone) as blocks instead of the dark ones: for a
    /// light-on-dark terminal without colours. With colours, the code is painted white on
    /// black blocks and looks the same as without `invert`.
    pub invert: bool,
}

impl Default for TerminalStyle {
    fn default() -> Self {
        TerminalStyle {
            colours: true,
            invert: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_errors() {
        let t = wrap("JGPR", 1, &[0xa1, 0x01, 0x02]);
        assert!(t.starts_with("JGPR:"));
        assert!(
            t.chars()
                .all(|c| "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(c))
        );
        assert_eq!(
            unwrap(&t, "JGPR", "payment request", 1).unwrap(),
            vec![0xa1, 0x01, 0x02]
        );
        assert!(matches!(
            unwrap(&t, "JGTP", "ticket pass", 1),
            Err(QrError::WrongType { .. })
        ));
        assert!(matches!(
            unwrap(&t, "JGPR", "payment request", 2),
            Err(QrError::Version {
                got: 1,
                supported: 2
            })
        ));
        assert!(matches!(
            unwrap("JGPR:a", "JGPR", "payment request", 1),
            Err(QrError::Base45)
        ));
        assert!(matches!(
            unwrap("", "JGPR", "payment request", 1),
            Err(QrError::Length(0))
        ));
        assert!(
            from_cbor::<u32>(&[0x01, 0x02]).is_err(),
            "trailing bytes are refused"
        );
        assert_eq!(from_cbor::<u32>(&[0x18, 0x64]).unwrap(), 100);
    }

    #[test]
    fn qr_image_and_renderings() {
        let q = QrImage::encode("JGTP:HELLO WORLD 123").unwrap();
        assert_eq!(q.size, 17 + 4 * u32::from(q.version));
        assert_eq!(q.modules.len(), (q.size * q.size) as usize);
        // Finder pattern corner is dark.
        assert!(q.dark(0, 0) && q.dark(6, 6) && !q.dark(7, 7));
        let svg = q.to_svg(4);
        assert!(svg.starts_with("<svg") && svg.contains("M4,4h1v1h-1z"));
        let term = q.to_terminal();
        assert_eq!(term.lines().count(), (q.size as usize + 8).div_ceil(2));
        // Every style draws the matrix back exactly, with a light 4-module quiet zone.
        for colours in [false, true] {
            for invert in [false, true] {
                let style = TerminalStyle { colours, invert };
                let mut rows = terminal_modules(&q.to_terminal_with(style), invert);
                // An odd height leaves half a line below the quiet zone: not part of the code.
                rows.truncate(q.size as usize + 8);
                assert_eq!(rows, grid(&q));
            }
        }
    }

    /// The matrix with its quiet zone, read back from terminal text: a block half is inked.
    fn terminal_modules(text: &str, invert: bool) -> Vec<Vec<bool>> {
        let mut rows = Vec::new();
        for line in text.lines() {
            // Drop the colour codes: ESC [ … m.
            let mut plain = String::new();
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c == '' {
                    for d in chars.by_ref() {
                        if d == 'm' {
                            break;
                        }
                    }
                } else {
                    plain.push(c);
                }
            }
            let (top, bottom): (Vec<bool>, Vec<bool>) = plain
                .chars()
                .map(|c| match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                })
                .map(|(t, b)| (t != invert, b != invert))
                .unzip();
            rows.push(top);
            rows.push(bottom);
        }
        rows
    }

    fn grid(q: &QrImage) -> Vec<Vec<bool>> {
        let n = q.size as i64;
        let side = n + 8;
        (0..side)
            .map(|y| {
                (0..side)
                    .map(|x| {
                        let (x, y) = (x - 4, y - 4);
                        (0..n).contains(&x) && (0..n).contains(&y) && q.dark(x as u32, y as u32)
                    })
                    .collect()
            })
            .collect()
    }
}
