//! BIP39 mnemonics in every BIP39 wordlist.
//!
//! Input may be typed in composed form (NFC, as Korean and Japanese keyboards produce it), with
//! any whitespace between words, including the ideographic space; it is normalised to NFKD before
//! lookup and before hashing, as BIP39 requires.

use std::fmt;
use std::sync::OnceLock;

use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use super::KeysError;
use super::unicode::{nfc, nfkd};
use crate::env::Env;

/// A BIP39 wordlist (English by default). Bindings show it as its code (`en`, `ko`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English (the default).
    #[default]
    English,
    /// Korean (한국어).
    Korean,
    /// Japanese (日本語).
    Japanese,
    /// Spanish.
    Spanish,
    /// Chinese, simplified.
    ChineseSimplified,
    /// Chinese, traditional.
    ChineseTraditional,
    /// French.
    French,
    /// Italian.
    Italian,
    /// Czech.
    Czech,
    /// Portuguese.
    Portuguese,
}

impl Language {
    /// Every BIP39 wordlist, whether built in or not.
    pub const ALL: [Language; 10] = [
        Language::English,
        Language::Korean,
        Language::Japanese,
        Language::Spanish,
        Language::ChineseSimplified,
        Language::ChineseTraditional,
        Language::French,
        Language::Italian,
        Language::Czech,
        Language::Portuguese,
    ];

    /// The short code used on the CLI and in the bindings (`en`, `ko`, `ja`, `es`, `zh-hans`,
    /// `zh-hant`, `fr`, `it`, `cs`, `pt`).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Korean => "ko",
            Language::Japanese => "ja",
            Language::Spanish => "es",
            Language::ChineseSimplified => "zh-hans",
            Language::ChineseTraditional => "zh-hant",
            Language::French => "fr",
            Language::Italian => "it",
            Language::Czech => "cs",
            Language::Portuguese => "pt",
        }
    }

    /// The English name, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Korean => "Korean",
            Language::Japanese => "Japanese",
            Language::Spanish => "Spanish",
            Language::ChineseSimplified => "Chinese (simplified)",
            Language::ChineseTraditional => "Chinese (traditional)",
            Language::French => "French",
            Language::Italian => "Italian",
            Language::Czech => "Czech",
            Language::Portuguese => "Portuguese",
        }
    }

    /// Parse a code or name: `ko`, `korean`, `zh-hans`, `chinese_simplified`, …
    ///
    /// ```
    /// use jigap_core::keys::Language;
    /// assert_eq!(Language::parse("ko").unwrap(), Language::Korean);
    /// assert_eq!(Language::parse("Chinese_Simplified").unwrap(), Language::ChineseSimplified);
    /// assert!(Language::parse("klingon").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Language, KeysError> {
        let k = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let lang = match k.as_str() {
            "en" | "english" => Language::English,
            "ko" | "korean" => Language::Korean,
            "ja" | "jp" | "japanese" => Language::Japanese,
            "es" | "spanish" => Language::Spanish,
            "zh-hans" | "zh-cn" | "chinese-simplified" => Language::ChineseSimplified,
            "zh-hant" | "zh-tw" | "chinese-traditional" => Language::ChineseTraditional,
            "fr" | "french" => Language::French,
            "it" | "italian" => Language::Italian,
            "cs" | "czech" => Language::Czech,
            "pt" | "portuguese" => Language::Portuguese,
            _ => return Err(KeysError::UnknownLanguage(s.to_string())),
        };
        Ok(lang)
    }

    /// Whether this wordlist is compiled into this build.
    pub fn is_available(self) -> bool {
        self.text().is_some()
    }

    /// The wordlist file, if compiled in. English and Korean always are.
    fn text(self) -> Option<&'static str> {
        Some(match self {
            Language::English => include_str!("wordlists/english.txt"),
            Language::Korean => include_str!("wordlists/korean.txt"),
            #[cfg(feature = "japanese")]
            Language::Japanese => include_str!("wordlists/japanese.txt"),
            #[cfg(feature = "spanish")]
            Language::Spanish => include_str!("wordlists/spanish.txt"),
            #[cfg(feature = "chinese-simplified")]
            Language::ChineseSimplified => include_str!("wordlists/chinese_simplified.txt"),
            #[cfg(feature = "chinese-traditional")]
            Language::ChineseTraditional => include_str!("wordlists/chinese_traditional.txt"),
            #[cfg(feature = "french")]
            Language::French => include_str!("wordlists/french.txt"),
            #[cfg(feature = "italian")]
            Language::Italian => include_str!("wordlists/italian.txt"),
            #[cfg(feature = "czech")]
            Language::Czech => include_str!("wordlists/czech.txt"),
            #[cfg(feature = "portuguese")]
            Language::Portuguese => include_str!("wordlists/portuguese.txt"),
            #[allow(unreachable_patterns)]
            _ => return None,
        })
    }

    /// The wordlist, split on first use.
    pub(crate) fn wordlist(self) -> Result<&'static Wordlist, KeysError> {
        static LISTS: [OnceLock<Wordlist>; 10] = [const { OnceLock::new() }; 10];
        let text = self
            .text()
            .ok_or(KeysError::LanguageNotBuilt(self.name()))?;
        let slot = Language::ALL.iter().position(|l| *l == self).unwrap_or(0);
        Ok(LISTS[slot].get_or_init(|| Wordlist::new(text)))
    }
}

/// A BIP39 wordlist: 2048 words (NFKD) and an index sorted by word for lookups.
pub(crate) struct Wordlist {
    words: Vec<&'static str>,
    sorted: Vec<u16>,
}

impl Wordlist {
    fn new(text: &'static str) -> Wordlist {
        let words: Vec<&'static str> = text.lines().collect();
        let mut sorted: Vec<u16> = (0..words.len() as u16).collect();
        crate::util::sort_by_key(&mut sorted, |&i| words[usize::from(i)]);
        Wordlist { words, sorted }
    }

    /// Word number `i` (0..2048).
    pub(crate) fn word(&self, i: u16) -> &'static str {
        self.words.get(usize::from(i)).copied().unwrap_or("")
    }

    /// The number of `word`, if it is in the list.
    pub(crate) fn find(&self, word: &str) -> Option<u16> {
        self.sorted
            .binary_search_by(|&i| self.words[usize::from(i)].cmp(word))
            .ok()
            .map(|pos| self.sorted[pos])
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a valid mnemonic is (its words stay secret): wordlist and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "wasm",
    derive(serde::Serialize, tsify::Tsify),
    serde(rename_all = "camelCase")
)]
pub struct MnemonicInfo {
    /// The wordlist.
    pub language: Language,
    /// Number of words.
    pub words: u8,
}

/// A valid BIP39 mnemonic. Zeroized on drop; its `Debug` never shows the words.
///
/// ```
/// use jigap_core::keys::{Mnemonic, Language};
/// // Composed Hangul, as typed on a Korean keyboard, is accepted.
/// let m = Mnemonic::parse("가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가능", Some(Language::Korean)).unwrap();
/// assert_eq!(m.language(), Language::Korean);
/// assert_eq!(m.word_count(), 12);
/// assert!(!format!("{m:?}").contains("가격"));
/// ```
#[derive(Clone)]
pub struct Mnemonic {
    entropy: Zeroizing<Vec<u8>>,
    language: Language,
}

/// Bit `i` (big-endian) of `bytes`.
fn bit(bytes: &[u8], i: usize) -> u16 {
    u16::from((bytes[i / 8] >> (7 - i % 8)) & 1)
}

impl Mnemonic {
    /// A new mnemonic of `words` words (12, 15, 18, 21 or 24) from `env`'s random source.
    pub fn generate(env: &Env, words: usize, language: Language) -> Result<Mnemonic, KeysError> {
        if !matches!(words, 12 | 15 | 18 | 21 | 24) {
            return Err(KeysError::WordCount(words));
        }
        let mut entropy = Zeroizing::new(vec![0u8; words / 3 * 4]);
        env.random.fill(&mut entropy)?;
        Mnemonic::from_entropy(&entropy, language)
    }

    /// The mnemonic encoding `entropy` (16–32 bytes, a multiple of 4).
    pub fn from_entropy(entropy: &[u8], language: Language) -> Result<Mnemonic, KeysError> {
        if !matches!(entropy.len(), 16 | 20 | 24 | 28 | 32) {
            return Err(KeysError::EntropyLength(entropy.len()));
        }
        language.wordlist()?;
        Ok(Mnemonic {
            entropy: Zeroizing::new(entropy.to_vec()),
            language,
        })
    }

    /// Parse and check a mnemonic. With `language = None` the wordlist is detected from the
    /// words (English first when a phrase fits several).
    pub fn parse(phrase: &str, language: Option<Language>) -> Result<Mnemonic, KeysError> {
        // NFKD also turns the ideographic space (U+3000) into an ordinary space.
        let normalized = Zeroizing::new(nfkd(phrase)?);
        let words: Vec<&str> = normalized.split_whitespace().collect();
        if !matches!(words.len(), 12 | 15 | 18 | 21 | 24) {
            return Err(KeysError::WordCount(words.len()));
        }
        let lang = match language {
            Some(l) => l,
            None => detect_language(&words)?,
        };
        let list = lang.wordlist()?;
        // 11 bits per word: entropy followed by its checksum (entropy bits / 32).
        let mut bits = Zeroizing::new(vec![0u8; (words.len() * 11).div_ceil(8)]);
        for (i, w) in words.iter().enumerate() {
            let idx = list.find(w).ok_or(KeysError::UnknownWord {
                position: i + 1,
                language: lang.name(),
            })?;
            for b in 0..11 {
                if (idx >> (10 - b)) & 1 == 1 {
                    let at = i * 11 + b;
                    bits[at / 8] |= 1 << (7 - at % 8);
                }
            }
        }
        let ent_len = words.len() / 3 * 4;
        let entropy = Zeroizing::new(bits[..ent_len].to_vec());
        let hash = Sha256::digest(&*entropy);
        let cs_bits = ent_len * 8 / 32;
        if (0..cs_bits).any(|i| bit(&bits, ent_len * 8 + i) != bit(&hash, i)) {
            return Err(KeysError::Checksum);
        }
        Ok(Mnemonic {
            entropy,
            language: lang,
        })
    }

    /// Its wordlist and length.
    pub fn info(&self) -> MnemonicInfo {
        MnemonicInfo {
            language: self.language(),
            words: self.word_count() as u8,
        }
    }

    /// The wordlist.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Number of words.
    pub fn word_count(&self) -> usize {
        self.entropy.len() * 3 / 4
    }

    /// The words, as stored in the BIP39 wordlist (NFKD).
    fn words(&self) -> Vec<&'static str> {
        let Ok(list) = self.language.wordlist() else {
            return Vec::new();
        };
        let hash = Sha256::digest(&*self.entropy);
        let mut data = Zeroizing::new(self.entropy.to_vec());
        data.push(hash[0]);
        (0..self.word_count())
            .map(|w| {
                let idx = (0..11).fold(0u16, |acc, b| (acc << 1) | bit(&data, w * 11 + b));
                list.word(idx)
            })
            .collect()
    }

    /// The phrase for showing to the user: words in composed form (NFC), separated by a space
    /// (an ideographic space for Japanese, as BIP39 recommends).
    pub fn phrase(&self) -> Zeroizing<String> {
        let sep = if self.language == Language::Japanese {
            "\u{3000}"
        } else {
            " "
        };
        let words: Vec<String> = self.words().iter().map(|w| nfc(w)).collect();
        let phrase = Zeroizing::new(words.join(sep));
        drop(Zeroizing::new(words));
        phrase
    }

    /// The entropy the words encode.
    pub fn entropy(&self) -> Zeroizing<Vec<u8>> {
        self.entropy.clone()
    }

    /// The 64-byte BIP39 seed: PBKDF2-HMAC-SHA512 (2048 rounds) of the NFKD words, salted with
    /// "mnemonic" and the NFKD passphrase.
    pub fn to_seed(&self, passphrase: &str) -> Result<Zeroizing<[u8; 64]>, KeysError> {
        let words = Zeroizing::new(self.words().join(" "));
        let mut salt = Zeroizing::new(String::from("mnemonic"));
        salt.push_str(&Zeroizing::new(nfkd(passphrase)?));
        let mut seed = Zeroizing::new([0u8; 64]);
        pbkdf2::pbkdf2_hmac::<Sha512>(words.as_bytes(), salt.as_bytes(), 2048, &mut *seed);
        Ok(seed)
    }
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Mnemonic {{ language: {}, words: {}, .. }}",
            self.language(),
            self.word_count()
        )
    }
}

fn detect_language(words: &[&str]) -> Result<Language, KeysError> {
    let candidates: Vec<Language> = Language::ALL
        .into_iter()
        .filter(|l| l.is_available())
        .collect();
    // The first word decides the candidates; the rest must agree.
    let mut best: Option<(Language, usize)> = None;
    for lang in candidates {
        let Ok(list) = lang.wordlist() else { continue };
        let known = words.iter().take_while(|w| list.find(w).is_some()).count();
        if known == words.len() {
            return Ok(lang);
        }
        if best.is_none_or(|(_, k)| known > k) {
            best = Some((lang, known));
        }
    }
    match best {
        Some((lang, known)) if known > 0 => Err(KeysError::UnknownWord {
            position: known + 1,
            language: lang.name(),
        }),
        _ => Err(KeysError::UnknownFirstWord),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_counts_and_words_with_named_errors() {
        let e = Mnemonic::parse("abandon abandon", None).unwrap_err();
        assert!(e.to_string().contains("2 words"), "{e}");
        let e = Mnemonic::parse(
            "abandon abandon abandon abandon appl abandon abandon abandon abandon abandon abandon about",
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "word 5 is not in the English wordlist; check its spelling"
        );
        let e = Mnemonic::parse(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
            None,
        )
        .unwrap_err();
        assert!(matches!(e, KeysError::Checksum), "{e}");
        let e = Mnemonic::parse(
            "가격 가격 가격 가격 appl 가격 가격 가격 가격 가격 가격 가능",
            Some(Language::Korean),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "word 5 is not in the Korean wordlist; check its spelling"
        );
        // Regression (review finding 9): the mistyped word was echoed; only its position is.
        assert!(!e.to_string().contains("appl"));
    }

    #[test]
    fn generate_every_length() {
        let env = Env::system();
        for n in [12, 15, 18, 21, 24] {
            let m = Mnemonic::generate(&env, n, Language::Korean).unwrap();
            assert_eq!(m.word_count(), n);
            let again = Mnemonic::parse(&m.phrase(), None).unwrap();
            assert_eq!(again.entropy(), m.entropy());
            assert_eq!(again.language(), Language::Korean);
        }
        assert!(matches!(
            Mnemonic::generate(&env, 13, Language::English),
            Err(KeysError::WordCount(13))
        ));
    }
}
