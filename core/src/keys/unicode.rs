//! Unicode normalisation for mnemonics and passphrases.
//!
//! With the `full-unicode` feature this is the `unicode-normalization` crate. Without it (the
//! small web build: English and Korean wordlists) NFKD and NFC are computed for ASCII and Hangul
//! exactly — Hangul syllables decompose and compose by arithmetic (Unicode §3.12) — the
//! ideographic space becomes a space, and any other non-ASCII character is refused instead of
//! being hashed unnormalised.

use super::KeysError;

/// NFKD of `s`.
pub(crate) fn nfkd(s: &str) -> Result<String, KeysError> {
    #[cfg(feature = "full-unicode")]
    {
        use unicode_normalization::UnicodeNormalization;
        Ok(s.nfkd().collect())
    }
    #[cfg(not(feature = "full-unicode"))]
    {
        light::nfkd(s)
    }
}

/// NFC of `s` (for display).
pub(crate) fn nfc(s: &str) -> String {
    #[cfg(feature = "full-unicode")]
    {
        use unicode_normalization::UnicodeNormalization;
        s.nfc().collect()
    }
    #[cfg(not(feature = "full-unicode"))]
    {
        light::nfc(s)
    }
}

#[cfg_attr(feature = "full-unicode", allow(dead_code))]
mod light {
    use super::KeysError;

    const S_BASE: u32 = 0xAC00;
    const L_BASE: u32 = 0x1100;
    const V_BASE: u32 = 0x1161;
    const T_BASE: u32 = 0x11A7;
    const L_COUNT: u32 = 19;
    const V_COUNT: u32 = 21;
    const T_COUNT: u32 = 28;
    const N_COUNT: u32 = V_COUNT * T_COUNT;
    const S_COUNT: u32 = L_COUNT * N_COUNT;

    fn push(out: &mut String, cp: u32) {
        if let Some(c) = char::from_u32(cp) {
            out.push(c);
        }
    }

    pub fn nfkd(s: &str) -> Result<String, KeysError> {
        let mut out = String::with_capacity(s.len() * 2);
        for (position, c) in s.chars().enumerate() {
            let cp = c as u32;
            if c.is_ascii() {
                out.push(c);
            } else if (S_BASE..S_BASE + S_COUNT).contains(&cp) {
                let i = cp - S_BASE;
                push(&mut out, L_BASE + i / N_COUNT);
                push(&mut out, V_BASE + (i % N_COUNT) / T_COUNT);
                let t = i % T_COUNT;
                if t != 0 {
                    push(&mut out, T_BASE + t);
                }
            } else if (0x1100..=0x11FF).contains(&cp) {
                out.push(c); // conjoining jamo are already decomposed
            } else if cp == 0x3000 {
                out.push(' ');
            } else {
                // The position only: the text may be a passphrase or a recovery phrase.
                return Err(KeysError::UnsupportedCharacter {
                    position: position + 1,
                    code_point: if c.is_alphanumeric() { 0 } else { cp },
                });
            }
        }
        Ok(out)
    }

    pub fn nfc(s: &str) -> String {
        let cps: Vec<u32> = s.chars().map(|c| c as u32).collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < cps.len() {
            let l = cps[i];
            if (L_BASE..L_BASE + L_COUNT).contains(&l)
                && let Some(&v) = cps.get(i + 1)
                && (V_BASE..V_BASE + V_COUNT).contains(&v)
            {
                let mut syllable = S_BASE + ((l - L_BASE) * V_COUNT + (v - V_BASE)) * T_COUNT;
                i += 2;
                if let Some(&t) = cps.get(i)
                    && (T_BASE + 1..T_BASE + T_COUNT).contains(&t)
                {
                    syllable += t - T_BASE;
                    i += 1;
                }
                push(&mut out, syllable);
                continue;
            }
            push(&mut out, l);
            i += 1;
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn hangul_round_trips_like_the_tables() {
            for word in ["가격", "가능", "훨씬", "법률", "서클", "아줌마", "각"] {
                let d = super::nfkd(word).unwrap();
                assert!(
                    d.chars().all(|c| ('\u{1100}'..='\u{11ff}').contains(&c)),
                    "{word}"
                );
                assert_eq!(super::nfc(&d), word);
            }
            assert_eq!(super::nfkd("a\u{3000}b").unwrap(), "a b");
            assert!(super::nfkd("café").is_err());
            #[cfg(feature = "full-unicode")]
            for word in [
                "가격",
                "가능",
                "훨씬",
                "법률",
                "서클",
                "아줌마",
                "각",
                "한국어 지갑",
            ] {
                use unicode_normalization::UnicodeNormalization;
                assert_eq!(super::nfkd(word).unwrap(), word.nfkd().collect::<String>());
                let d: String = word.nfkd().collect();
                assert_eq!(super::nfc(&d), d.nfc().collect::<String>());
            }
        }
    }
}
