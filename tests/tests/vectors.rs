//! Published test vectors: BIP39 (all ten wordlists), BIP32 1–5, EIP-712 Mail, Web3 keystores,
//! did:key, Wycheproof ECDSA secp256k1.

// Integration tests: an unwrap is an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jigap_core::keys::*;
use jigap_tests::{unhex, vector_json};
use unicode_normalization::UnicodeNormalization;

fn lang_of(name: &str) -> Option<Language> {
    Some(match name {
        "english" => Language::English,
        "korean" => Language::Korean,
        "japanese" => Language::Japanese,
        "spanish" => Language::Spanish,
        "chinese_simplified" => Language::ChineseSimplified,
        "chinese_traditional" => Language::ChineseTraditional,
        "french" => Language::French,
        "italian" => Language::Italian,
        "czech" => Language::Czech,
        "portuguese" => Language::Portuguese,
        _ => return None, // russian and turkish are not BIP39 wordlists
    })
}

fn canon(s: &str) -> String {
    s.nfkd()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn bip39_all_ten_wordlists() {
    let v = vector_json("bip39/trezor-vectors.json");
    let mut checked = 0;
    for (name, cases) in v.as_object().unwrap() {
        let Some(lang) = lang_of(name) else { continue };
        for case in cases.as_array().unwrap() {
            let c = case.as_array().unwrap();
            let (entropy, phrase, seed, xprv) = (
                unhex(c[0].as_str().unwrap()),
                c[1].as_str().unwrap(),
                c[2].as_str().unwrap(),
                c[3].as_str().unwrap(),
            );
            let m = Mnemonic::from_entropy(&entropy, lang).unwrap();
            assert_eq!(canon(&m.phrase()), canon(phrase), "{name}: entropy → words");
            // Parse both the stored (NFKD) form and the composed (NFC) form people type.
            for input in [phrase.to_string(), phrase.nfc().collect::<String>()] {
                let p = Mnemonic::parse(&input, Some(lang)).unwrap();
                assert_eq!(&*p.entropy(), &entropy, "{name}: words → entropy");
                let auto = Mnemonic::parse(&input, None).unwrap();
                assert_eq!(&*auto.entropy(), &entropy, "{name}: detected language");
                assert_eq!(
                    hex::encode(*p.to_seed("TREZOR").unwrap()),
                    seed,
                    "{name}: seed"
                );
            }
            let master = ExtendedPrivateKey::from_seed(&*m.to_seed("TREZOR").unwrap()).unwrap();
            assert_eq!(&*master.to_xprv(), xprv, "{name}: xprv");
            checked += 1;
        }
    }
    assert_eq!(checked, 240, "24 cases in each of 10 wordlists");
}

#[test]
fn bip39_korean_nfc_input_and_named_errors() {
    // Composed Hangul, as a Korean keyboard types it.
    let nfc = "가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가능";
    assert!(nfc.chars().any(|c| ('가'..='힣').contains(&c)));
    let m = Mnemonic::parse(nfc, None).unwrap();
    assert_eq!(m.language(), Language::Korean);
    assert_eq!(&*m.entropy(), &[0u8; 16]);
    let bad = "가격 가격 가격 가격 가걱 가격 가격 가격 가격 가격 가격 가능";
    assert_eq!(
        Mnemonic::parse(bad, Some(Language::Korean))
            .unwrap_err()
            .to_string(),
        "word 5 is not in the Korean wordlist; check its spelling"
    );
    let wrong_sum = "가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가격 가격";
    assert_eq!(
        Mnemonic::parse(wrong_sum, None).unwrap_err().to_string(),
        "checksum does not match: a word is wrong or the words are out of order"
    );
}

#[test]
fn bip32_vectors_1_to_5() {
    let v = vector_json("bip32/bip32-vectors.json");
    let mut chains = 0;
    let mut invalid = 0;
    for vec in v["vectors"].as_array().unwrap() {
        if let Some(seed) = vec["seed"].as_str() {
            let master = ExtendedPrivateKey::from_seed(&unhex(seed)).unwrap();
            for ch in vec["chains"].as_array().unwrap() {
                let path: DerivationPath = ch["path"].as_str().unwrap().parse().unwrap();
                let k = master.derive_path(&path).unwrap();
                assert_eq!(&*k.to_xprv(), ch["xprv"].as_str().unwrap(), "{path}");
                assert_eq!(k.to_xpub(), ch["xpub"].as_str().unwrap(), "{path}");
                let back = ExtendedPrivateKey::from_xprv(ch["xprv"].as_str().unwrap()).unwrap();
                assert_eq!(back.to_xpub(), k.to_xpub());
                parse_xpub(ch["xpub"].as_str().unwrap()).unwrap();
                chains += 1;
            }
        }
        for bad in vec["invalid_keys"].as_array().into_iter().flatten() {
            let key = bad["key"].as_str().unwrap();
            assert!(
                ExtendedPrivateKey::from_xprv(key).is_err() && parse_xpub(key).is_err(),
                "accepted invalid key ({}): {key}",
                bad["reason"]
            );
            invalid += 1;
        }
    }
    assert_eq!(
        (chains, invalid),
        (17, 16),
        "every chain of vectors 1–4 and every invalid key of vector 5"
    );
}

#[test]
fn eip712_mail() {
    let v = vector_json("eip712-mail.json");
    let td = TypedData::from_json(&v["typed_data"].to_string()).unwrap();
    assert_eq!(
        td.encode_type("Mail").unwrap(),
        "Mail(Person from,Person to,string contents)Person(string name,address wallet)"
    );
    assert_eq!(
        hex::encode(td.domain_separator().unwrap()),
        v["domain_separator"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x")
    );
    assert_eq!(
        hex::encode(td.message_hash().unwrap()),
        v["hash_struct"].as_str().unwrap().trim_start_matches("0x")
    );
    let digest = td.digest().unwrap();
    assert_eq!(
        hex::encode(digest),
        v["digest"].as_str().unwrap().trim_start_matches("0x")
    );
    let key = PrivateKey::from_slice(&unhex(v["private_key"].as_str().unwrap())).unwrap();
    let sig = key.sign_digest(&digest).unwrap();
    let s = &v["signature"];
    assert_eq!(
        hex::encode(&sig.to_bytes()[..32]),
        s["r"].as_str().unwrap().trim_start_matches("0x")
    );
    assert_eq!(
        hex::encode(&sig.to_bytes()[32..64]),
        s["s"].as_str().unwrap().trim_start_matches("0x")
    );
    assert_eq!(u64::from(sig.v()), s["v"].as_u64().unwrap());
    assert_eq!(
        sig.recover_address(&digest).unwrap().to_string(),
        v["signer"].as_str().unwrap()
    );
    // The fixed-struct helpers give the same domain separator.
    let ds = domain_separator(
        "Ether Mail",
        "1",
        1,
        &"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
            .parse()
            .unwrap(),
    );
    assert_eq!(ds, td.domain_separator().unwrap());
}

#[test]
fn eip712_arrays_bytes_and_ints() {
    // The eth_signTypedData_v4 example with arrays of structs (MetaMask's test case):
    // the expected digest comes from @metamask/eth-sig-util.
    let json = r#"{
      "types": {
        "EIP712Domain": [{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
        "Person": [{"name":"name","type":"string"},{"name":"wallets","type":"address[]"}],
        "Mail": [{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}],
        "Group": [{"name":"name","type":"string"},{"name":"members","type":"Person[]"}]
      },
      "domain": {"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
      "primaryType": "Mail",
      "message": {
        "from": {"name":"Cow","wallets":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},
        "to": [{"name":"Bob","wallets":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57","0xB0B0b0b0b0b0B000000000000000000000000000"]}],
        "contents": "Hello, Bob!"
      }
    }"#;
    let td = TypedData::from_json(json).unwrap();
    assert_eq!(
        td.encode_type("Mail").unwrap(),
        "Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)"
    );
    assert_eq!(
        hex::encode(td.digest().unwrap()),
        "a85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2"
    );
    let key = PrivateKey::from_slice(&jigap_tests::unhex(
        "0xc85ef7d79691fe79573b1a7064c19c1a9819ebdbd1faaab1a8ec92344438aaf4",
    ))
    .unwrap();
    let sig = key.sign_digest(&td.digest().unwrap()).unwrap();
    assert_eq!(
        sig.to_string(),
        "0x65cbd956f2fae28a601bebc9b906cea0191744bd4c4247bcd27cd08f8eb6b71c78efdf7a31dc9abee78f492292721f362d296cf86b4538e07b51303b67f749061b"
    );
}

#[test]
fn web3_keystore_vectors() {
    let v = vector_json("keystore/ethereum-tests-basic.json");
    let mut n = 0;
    for (name, case) in v.as_object().unwrap() {
        if name == "source" {
            continue;
        }
        let json = case["json"].to_string();
        let pw = case["password"].as_str().unwrap().as_bytes();
        let key = import_keystore(&json, pw).unwrap();
        assert_eq!(
            hex::encode(*key.to_bytes()),
            case["priv"].as_str().unwrap(),
            "{name}"
        );
        assert!(matches!(
            import_keystore(&json, b"not the password"),
            Err(KeysError::KeystoreMac)
        ));
        n += 1;
    }
    assert_eq!(n, 2, "a pbkdf2 and a scrypt keystore");
}

#[test]
fn did_key_secp256k1_vectors() {
    let v = vector_json("did-key/secp256k1.json");
    let mut n = 0;
    for (did, case) in v.as_object().unwrap() {
        let kp = &case["verificationKeyPair"];
        let (pubkey, sk) = match kp["publicKeyBase58"].as_str() {
            Some(b58) => (
                bs58_decode(b58),
                bs58_decode(kp["privateKeyBase58"].as_str().unwrap()),
            ),
            None => {
                let jwk = &kp["publicKeyJwk"];
                let x = b64url(jwk["x"].as_str().unwrap());
                let y = b64url(jwk["y"].as_str().unwrap());
                (
                    [vec![4u8], x, y].concat(),
                    b64url(kp["privateKeyJwk"]["d"].as_str().unwrap()),
                )
            }
        };
        let pk = PublicKey::from_sec1(&pubkey).unwrap();
        assert_eq!(&did_key_from_secp256k1(&pk), did);
        assert_eq!(secp256k1_from_did_key(did).unwrap(), pk);
        assert_eq!(PrivateKey::from_slice(&sk).unwrap().public_key(), pk);
        n += 1;
    }
    assert!(n >= 5, "{n} did:key vectors");
}

fn bs58_decode(s: &str) -> Vec<u8> {
    bs58::decode(s).into_vec().unwrap()
}

fn b64url(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

/// Wycheproof ECDSA secp256k1 (DER and r‖s): every verdict must match the file.
#[test]
fn wycheproof_ecdsa_secp256k1() {
    use sha2::{Digest, Sha256};
    let mut checked = 0;
    for (file, der) in [
        ("wycheproof/ecdsa_secp256k1_sha256_test.json", true),
        ("wycheproof/ecdsa_secp256k1_sha256_p1363_test.json", false),
    ] {
        let v = vector_json(file);
        for g in v["testGroups"].as_array().unwrap() {
            let pk = PublicKey::from_sec1(&unhex(g["publicKey"]["uncompressed"].as_str().unwrap()))
                .unwrap();
            for t in g["tests"].as_array().unwrap() {
                let msg = unhex(t["msg"].as_str().unwrap());
                let sig = unhex(t["sig"].as_str().unwrap());
                let digest: [u8; 32] = Sha256::digest(&msg).into();
                // DER is only a container here; jigap itself takes r‖s (JOSE) or r‖s‖v.
                let rs: Option<[u8; 64]> = if der {
                    ecdsa::Signature::<k256::Secp256k1>::from_der(&sig)
                        .ok()
                        .map(|s| s.to_bytes().into())
                } else {
                    sig.as_slice().try_into().ok()
                };
                let ours = rs.is_some_and(|rs| pk.verify_digest_rs(&digest, &rs));
                let id = t["tcId"].as_u64().unwrap();
                match t["result"].as_str().unwrap() {
                    "valid" => assert!(
                        ours,
                        "{file} #{id}: valid signature refused ({})",
                        t["comment"]
                    ),
                    "invalid" => assert!(
                        !ours,
                        "{file} #{id}: invalid signature accepted ({})",
                        t["comment"]
                    ),
                    _ => {}
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 476 + 252, "every Wycheproof case was checked");
}

#[test]
fn derive_key_equals_full_derivation() {
    let v = vector_json("bip32/bip32-vectors.json");
    for vec in v["vectors"].as_array().unwrap() {
        let Some(seed) = vec["seed"].as_str() else {
            continue;
        };
        let master = ExtendedPrivateKey::from_seed(&unhex(seed)).unwrap();
        for ch in vec["chains"].as_array().unwrap() {
            let path: DerivationPath = ch["path"].as_str().unwrap().parse().unwrap();
            assert_eq!(
                master.derive_key(&path).unwrap().to_bytes(),
                master.derive_path(&path).unwrap().private_key().to_bytes(),
                "{path}"
            );
        }
    }
}
