//! JSON Canonicalization Scheme (RFC 8785), for Data Integrity `eddsa-jcs-2022`.
//!
//! Object members sorted by their names' UTF-16 code units; no whitespace; strings with the
//! minimal escaping of ECMAScript `JSON.stringify`; numbers as ECMAScript `Number.toString`
//! prints IEEE-754 doubles (shortest round-trip digits; exponent form below 1e-6 and from 1e21).

use serde_json::{Number, Value};

use super::{CredentialError, malformed};

/// The canonical form of a JSON value.
///
/// ```
/// use jigap_core::credential::canonicalize;
/// let v: serde_json::Value = serde_json::from_str(r#"{"b": [1e21, 0.000001, -0.0], "a": "é\n"}"#).unwrap();
/// assert_eq!(canonicalize(&v).unwrap(), "{\"a\":\"é\\n\",\"b\":[1e+21,0.000001,0]}");
/// ```
pub fn canonicalize(v: &Value) -> Result<String, CredentialError> {
    let mut out = String::new();
    write_value(v, &mut out, 0)?;
    Ok(out)
}

fn write_value(v: &Value, out: &mut String, depth: usize) -> Result<(), CredentialError> {
    if depth > super::MAX_DEPTH {
        return Err(malformed("JSON nested too deeply to canonicalize"));
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)?),
        Value::String(s) => string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(x, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::util::sort_by(&mut keys, |a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                if let Some(x) = m.get(*k) {
                    write_value(x, out, depth + 1)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number.prototype.toString` of the double nearest to `n`.
fn number(n: &Number) -> Result<String, CredentialError> {
    // Integers that a double holds exactly print as themselves.
    if let Some(i) = n.as_i64()
        && i.unsigned_abs() <= (1u64 << 53)
    {
        return Ok(i.to_string());
    }
    if let Some(u) = n.as_u64()
        && u <= (1u64 << 53)
    {
        return Ok(u.to_string());
    }
    let f = n
        .as_f64()
        .ok_or_else(|| malformed("a JSON number that is not a double"))?;
    es_number(f)
}

pub(crate) fn es_number(f: f64) -> Result<String, CredentialError> {
    if !f.is_finite() {
        return Err(malformed("JSON numbers must be finite"));
    }
    if f == 0.0 {
        return Ok("0".into()); // also -0
    }
    let neg = f < 0.0;
    // `{:e}` gives the shortest digits that round-trip: "d.ddddde±x".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci
        .split_once('e')
        .ok_or_else(|| malformed("number formatting"))?;
    let exp: i32 = exp.parse().map_err(|_| malformed("number formatting"))?;
    let digits = closest_shortest(
        f.abs(),
        mantissa.chars().filter(|c| *c != '.').collect(),
        exp,
    );
    let k = digits.len() as i32;
    let n = exp + 1; // position of the decimal point relative to the digits
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        s.push_str(&digits[..n as usize]);
        s.push('.');
        s.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        s.push_str(&digits[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        s.push('e');
        s.push(if n > 0 { '+' } else { '-' });
        s.push_str(&(n - 1).abs().to_string());
    }
    Ok(s)
}

/// Among the shortest digit strings that round-trip to `f` (the one found and its neighbours in
/// the last digit), the one closest to the exact value of `f`, the even one on a tie — as
/// ECMAScript requires and Rust's shortest formatting does not promise.
fn closest_shortest(f: f64, digits: String, exp: i32) -> String {
    let k = digits.len();
    let Ok(d) = digits.parse::<u128>() else {
        return digits;
    };
    // The exact value, scaled so that its first k digits are the integer part: P + R/10^25.
    let exact = format!("{:.*e}", k - 1 + 25, f);
    let (m, e) = exact.split_once('e').unwrap_or((&exact, "0"));
    if e.parse::<i32>().ok() != Some(exp) {
        return digits;
    }
    let all: String = m.chars().filter(|c| *c != '.').collect();
    let (Ok(p), Ok(r)) = (all[..k].parse::<i128>(), all[k..].parse::<i128>()) else {
        return digits;
    };
    let scale: i128 = 10i128.pow(25);
    let mut best: Option<(i128, u128)> = None;
    for c in [d.wrapping_sub(1), d, d + 1] {
        let cs = c.to_string();
        if cs.len() != k {
            continue;
        }
        let back: Option<f64> = format!("{cs}e{}", exp - (k as i32 - 1)).parse().ok();
        if back != Some(f) {
            continue;
        }
        let dist = ((c as i128 - p) * scale - r).abs();
        best = match best {
            None => Some((dist, c)),
            Some((bd, bc)) if dist < bd || (dist == bd && c % 2 == 0 && bc % 2 == 1) => {
                Some((dist, c))
            }
            keep => keep,
        };
    }
    best.map(|(_, c)| c.to_string()).unwrap_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8785_number_examples() {
        // RFC 8785 Appendix B (IEEE-754 hex → expected text).
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for (bits, want) in cases {
            assert_eq!(es_number(f64::from_bits(*bits)).unwrap(), *want, "{bits:x}");
        }
    }

    #[test]
    fn rfc8785_sorting_and_strings() {
        // RFC 8785 §3.2.3 sorting example.
        let v: Value = serde_json::from_str(
            r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        )
        .unwrap();
        let c = canonicalize(&v).unwrap();
        let order: Vec<&str> = c
            .split("\":\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        assert_eq!(
            order,
            [
                "Carriage Return",
                "One",
                "Control",
                "Latin Small Letter O With Diaeresis",
                "Euro Sign",
                "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh"
            ]
        );
        // §3.2.2.2 strings.
        let v: Value =
            serde_json::from_str(r#"{"s": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"\/"}"#)
                .unwrap();
        assert_eq!(
            canonicalize(&v).unwrap(),
            "{\"s\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
        let v: Value = serde_json::from_str(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"literals": [null, true, false]}"#,
        )
        .unwrap();
        assert_eq!(
            canonicalize(&v).unwrap(),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}"#
        );
    }
}
