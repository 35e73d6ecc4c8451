#!/usr/bin/env python3
"""Cross-check the jigap CLI against an independent Ethereum implementation (eth-account).

For fresh mnemonics in several wordlists (none of them in jigap's own tests): addresses of
accounts 0-2, EIP-191 signatures (byte for byte: both use RFC 6979), EIP-712 signatures, and
keystores in both directions. Usage: eth_account_check.py PATH/TO/jigap
"""
import json
import os
import subprocess
import sys
import tempfile

from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils import keccak

Account.enable_unaudited_hdwallet_features()
JIGAP = sys.argv[1]
LANGS = {"en": "english", "ko": "korean", "ja": "japanese", "es": "spanish", "fr": "french",
         "it": "italian", "cs": "czech", "zh-hans": "chinese_simplified", "zh-hant": "chinese_traditional"}


def jigap(args, stdin=None):
    r = subprocess.run([JIGAP, "--json", *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"jigap {' '.join(args)} failed: {r.stderr}")
    return json.loads(r.stdout)


TYPED = {
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Voucher": [{"name": "id", "type": "bytes32"}, {"name": "amount", "type": "uint64"},
                    {"name": "delta", "type": "int32"}, {"name": "tags", "type": "string[]"},
                    {"name": "memo", "type": "bytes"}, {"name": "ok", "type": "bool"},
                    {"name": "holder", "type": "Person"}, {"name": "cosigners", "type": "Person[]"}],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
    },
    "primaryType": "Voucher",
    "domain": {"name": "jigap interop", "version": "1", "chainId": 11155111,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {"id": "0x" + "ab" * 32, "amount": 150000, "delta": -42, "tags": ["food", "서울"],
                "memo": "0xdeadbeef", "ok": True,
                "holder": {"name": "김민지", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "cosigners": [{"name": "A", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"}]},
}

checks = 0
with tempfile.TemporaryDirectory() as tmp:
    typed_file = os.path.join(tmp, "typed.json")
    with open(typed_file, "w") as f:
        json.dump(TYPED, f, ensure_ascii=False)
    pw_file = os.path.join(tmp, "pw")
    with open(pw_file, "w") as f:
        f.write("correct horse 배터리")
    for code, name in LANGS.items():
        phrase = jigap(["keys", "new", "--lang", code, "--words", "24" if code == "ko" else "12"])["mnemonic"]
        for i in range(3):
            path = f"m/44'/60'/0'/0/{i}"
            ours = jigap(["keys", "derive", "--account", str(i)], phrase)
            theirs = Account.from_mnemonic(phrase, account_path=path)
            assert ours["address"] == theirs.address, (code, i, ours, theirs.address)
            checks += 1
        acct = Account.from_mnemonic(phrase, account_path="m/44'/60'/0'/0/0")
        msg = f"jigap interop {code} 안녕하세요"
        sig = jigap(["sign", "message", "--message", msg], phrase)
        expected = acct.sign_message(encode_defunct(text=msg)).signature.hex()
        assert sig["signature"].removeprefix("0x") == expected.removeprefix("0x"), (code, sig, expected)
        assert Account.recover_message(encode_defunct(text=msg), signature=sig["signature"]) == acct.address
        td = jigap(["sign", "typed-data", "--file", typed_file], phrase)
        signed = acct.sign_message(encode_typed_data(full_message=TYPED))
        assert td["signature"].removeprefix("0x") == signed.signature.hex().removeprefix("0x"), (code, td)
        assert Account.recover_message(encode_typed_data(full_message=TYPED), signature=td["signature"]) == acct.address
        rec = jigap(["verify", "typed-data", "--file", typed_file, "--signature", "0x" + signed.signature.hex().removeprefix("0x")])
        assert rec["address"] == acct.address
        checks += 4
        # Keystores both ways (pbkdf2 for speed in one direction, scrypt in the other).
        for kdf in ("scrypt", "pbkdf2"):
            r = subprocess.run([JIGAP, "keystore", "export", "--password-file", pw_file, "--kdf", kdf],
                               input=phrase, capture_output=True, text=True, check=True)
            key = Account.decrypt(r.stdout, "correct horse 배터리")
            assert Account.from_key(key).address == acct.address, (code, kdf)
            checks += 1
        ks_file = os.path.join(tmp, f"ks-{code}.json")
        with open(ks_file, "w") as f:
            json.dump(Account.encrypt(acct.key, "correct horse 배터리", kdf="scrypt", iterations=2**14), f)
        assert jigap(["keystore", "import", "--file", ks_file, "--password-file", pw_file])["address"] == acct.address
        checks += 1
    # Review finding 10: dapps send integers as JSON numbers of any size. Python's json writes
    # 10^24 and 2^64 + 1 exactly; jigap must sign exactly what eth-account hashes, and refuse a
    # fraction or an out-of-range value naming the field.
    big = json.loads(json.dumps(TYPED))
    for field in big["types"]["Voucher"]:
        field["type"] = {"amount": "uint256", "delta": "int128"}.get(field["name"], field["type"])
    big["message"]["amount"] = 10**24
    big["message"]["delta"] = -(2**64 + 1)
    big_file = os.path.join(tmp, "big.json")
    with open(big_file, "w") as f:
        json.dump(big, f, ensure_ascii=False)
    with open(big_file) as f:
        assert "1000000000000000000000000" in f.read()
    phrase = jigap(["keys", "new"])["mnemonic"]
    acct = Account.from_mnemonic(phrase, account_path="m/44'/60'/0'/0/0")
    td = jigap(["sign", "typed-data", "--file", big_file], phrase)
    assert Account.recover_message(encode_typed_data(full_message=big), signature=td["signature"]) == acct.address, td
    checks += 1
    for bad, why in ((1.5, "whole number"), (2**256, "out of range")):
        b = json.loads(json.dumps(big))
        b["message"]["amount"] = bad
        bf = os.path.join(tmp, "bad.json")
        with open(bf, "w") as f:
            json.dump(b, f)
        r = subprocess.run([JIGAP, "--json", "sign", "typed-data", "--file", bf], input=phrase, capture_output=True, text=True)
        assert r.returncode != 0 and why in r.stderr and "amount" in r.stderr, r.stderr
        checks += 1
print(f"eth-account interop: {checks} checks passed across {len(LANGS)} wordlists")

# Vouchers: the EIP-712 grant and redemption the CLI signs verify with eth-account.
with tempfile.TemporaryDirectory() as tmp:
    pin = os.path.join(tmp, "pin")
    key = os.path.join(tmp, "issuer.key")
    with open(pin, "w") as f:
        f.write("123456")
    issuer = Account.create()
    with open(key, "w") as f:
        f.write(issuer.key.hex() if issuer.key.hex().startswith("0x") else "0x" + issuer.key.hex())
    citizen, shop = os.path.join(tmp, "citizen"), os.path.join(tmp, "shop")
    me = jigap(["vault", "init", "--dir", citizen, "--kdf", "fast", "--pin-file", pin])["address"]
    jigap(["vault", "init", "--dir", shop, "--kdf", "fast", "--pin-file", pin])
    # Every purpose field, including a negative UTC offset (int16) and the hours.
    full = jigap(["voucher", "grant", "--key-file", key, "--holder", me, "--amount", "70000", "--categories", "5411,5499",
                  "--regions", "KR-11,KR-26", "--hours", "09:00-18:00", "--utc-offset-minutes", "-300", "--min-payment", "100",
                  "--max-payment", "50000", "--daily-limit", "60000", "--single-use",
                  "--merchants", "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"])
    assert Account.recover_message(encode_typed_data(full_message=full["typed_data"]), signature=full["signature"]) == issuer.address
    grant = jigap(["voucher", "grant", "--key-file", key, "--holder", me, "--amount", "70000", "--categories", "5411", "--regions", "KR-11"])
    jigap(["voucher", "trust", "--dir", citizen, "--pin-file", pin, "--issuer", issuer.address, "--name", "city"])
    jigap(["voucher", "import", "--dir", citizen, "--pin-file", pin, "--grant", grant["grant"]])
    req = jigap(["voucher", "request", "--dir", shop, "--pin-file", pin, "--name", "grocery", "--category", "5411", "--region", "KR-11", "--amount", "12345"])
    pay = jigap(["voucher", "pay", "--dir", citizen, "--pin-file", pin, "--request", req["request"]])
    assert Account.recover_message(encode_typed_data(full_message=pay["typed_data"]), signature=pay["signature"]) == me
    checks += 3
    # Every voucher command that signs prints the typed data, its digest and the signature:
    # eth-account hashes the typed data to the same digest and recovers the signer.
    registry = os.path.join(tmp, "issuer.registry.json")
    settled = jigap(["voucher", "settle", "--key-file", key, "--registry", registry, "--redemption", pay["redemption"]])
    refund = jigap(["voucher", "refund", "--key-file", key, "--registry", registry, "--voucher", grant["id"],
                    "--amount", "1000"])
    for what, out, signer in [("grant", full, issuer.address), ("request", req, req["merchant"]), ("payment", pay, me),
                              ("settlement", settled, issuer.address), ("refund", refund, issuer.address)]:
        m = encode_typed_data(full_message=out["typed_data"])
        digest = keccak(b"\x19" + m.version + m.header + m.body)
        assert out["digest"] == "0x" + digest.hex(), (what, out["digest"], digest.hex())
        assert Account.recover_message(m, signature=out["signature"]) == signer, what
        checks += 2
    assert settled["typed_data"]["message"]["redemptionHash"] == pay["redemption_hash"], settled["typed_data"]
    assert int(refund["typed_data"]["message"]["amount"]) == 1000, refund["typed_data"]
print(f"eth-account interop (vouchers included): {checks} checks passed")

# Transactions: `jigap evm sign` signs byte for byte what eth-account signs (both RFC 6979), for
# legacy (EIP-155), EIP-2930 and EIP-1559 transactions, and eth-account recovers the sender;
# `jigap evm decode` reads eth-account's transactions back to the same sender and fields.
import random

rnd = random.Random(13)
with tempfile.TemporaryDirectory() as tmp:
    phrase = jigap(["keys", "new"])["mnemonic"]
    for case in range(30):
        account = rnd.randrange(3)
        acct = Account.from_mnemonic(phrase, account_path=f"m/44'/60'/0'/0/{account}")
        kind = case % 3
        tx = {"chainId": rnd.choice([1, 31337, 1001, 2**40 + 3]), "nonce": rnd.randrange(2**20),
              "gas": 21000 + rnd.randrange(10**6), "to": Account.create().address,
              "value": rnd.choice([0, 1, 10**18, rnd.randrange(2**200)]),
              "data": "0x" + os.urandom(rnd.randrange(100)).hex()}
        if kind == 2:
            tx["maxPriorityFeePerGas"] = rnd.randrange(10**10)
            tx["maxFeePerGas"] = tx["maxPriorityFeePerGas"] + rnd.randrange(10**11)
        else:
            tx["gasPrice"] = rnd.choice([0, rnd.randrange(10**12)])
        if kind:
            tx["accessList"] = [{"address": Account.create().address, "storageKeys": ["0x" + os.urandom(32).hex()]}]
        tx["type"] = kind
        # jigap's TX.json takes numbers, decimal text or 0x hex: use all three.
        ours_json = dict(tx, value=str(tx["value"]), nonce=hex(tx["nonce"]))
        f = os.path.join(tmp, f"tx{case}.json")
        with open(f, "w") as fh:
            json.dump(ours_json, fh)
        ours = jigap(["evm", "sign", "--account", str(account), "--file", f], phrase)
        theirs = acct.sign_transaction(dict(tx, type=kind) if kind else {k: v for k, v in tx.items() if k != "type"})
        raw = theirs.raw_transaction.hex()
        assert ours["raw"].removeprefix("0x") == raw.removeprefix("0x"), (case, ours["raw"], raw)
        assert Account.recover_transaction(ours["raw"]) == acct.address == ours["from"]
        assert ours["hash"].removeprefix("0x") == theirs.hash.hex().removeprefix("0x")
        back = jigap(["evm", "decode", "--raw", "0x" + raw.removeprefix("0x"), "--chain-id", str(tx["chainId"])])
        assert back["from"] == acct.address and int(back["tx"]["value"]) == tx["value"], back
        assert back["tx"]["nonce"] == tx["nonce"] and back["tx"]["data"] == tx["data"], back
        checks += 4
    # A transaction for another chain is refused, with a sentence.
    r = subprocess.run([JIGAP, "--json", "evm", "decode", "--raw", ours["raw"], "--chain-id", "5"], capture_output=True, text=True)
    assert r.returncode == 1 and "chain" in r.stderr, r.stderr
    checks += 1
print(f"eth-account interop (transactions included): {checks} checks passed")
