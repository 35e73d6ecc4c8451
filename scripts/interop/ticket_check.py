#!/usr/bin/env python3
"""Cross-check `jigap ticket` against independent implementations.

eth-account hashes and recovers every EIP-712 struct (grant, identity proof, transfer request);
pycryptodome (a dependency of eth-account) derives the Ed25519 keys with HKDF-SHA256 and checks
every Ed25519 signature (issuer seal, pass, gate authorization, check-in receipt). The payloads
are decoded here from their documented byte layout (base45, version byte, CBOR), as a gate or a
server in another language would. Usage: ticket_check.py PATH/TO/jigap
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

Account.enable_unaudited_hdwallet_features()
JIGAP = sys.argv[1]
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit(f"FAILED: {what}")
    checks += 1


def jigap(args, stdin=""):
    r = subprocess.run([JIGAP, "--json", *args], input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"jigap {' '.join(args)} failed: {r.stderr}")
    return json.loads(r.stdout)


def b45decode(s):
    out = bytearray()
    vals = [B45.index(c) for c in s]
    for i in range(0, len(vals), 3):
        g = vals[i:i + 3]
        n = g[0] + g[1] * 45 + (g[2] * 45 * 45 if len(g) == 3 else 0)
        out += n.to_bytes(2 if len(g) == 3 else 1, "big")
    return bytes(out)


def cbor(data):
    """Decode the CBOR subset the payloads use: uint, bytes, text, array, bool."""
    def item(i):
        ib = data[i]
        major, info = ib >> 5, ib & 31
        i += 1
        if major == 7:
            return {20: False, 21: True}[info], i
        if info < 24:
            n = info
        else:
            size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
            n = int.from_bytes(data[i:i + size], "big")
            i += size
        if major == 0:
            return n, i
        if major == 2:
            return bytes(data[i:i + n]), i + n
        if major == 3:
            return data[i:i + n].decode(), i + n
        if major == 4:
            items = []
            for _ in range(n):
                v, i = item(i)
                items.append(v)
            return items, i
        raise ValueError(f"unexpected CBOR major type {major}")
    v, end = item(0)
    assert end == len(data), "trailing bytes"
    return v


def payload(text, tag):
    check(text.startswith(tag + ":"), f"{tag} tag")
    raw = b45decode(text[len(tag) + 1:])
    check(raw[0] == 1, f"{tag} version byte")
    return cbor(raw[1:])


def ed_public(account_key, info):
    seed = HKDF(account_key, 32, b"", SHA256, context=info.encode())
    return ECC.construct(curve="Ed25519", seed=seed).public_key().export_key(format="raw")


def ed_ok(public, msg, sig):
    try:
        eddsa.new(eddsa.import_public_key(public), "rfc8032").verify(msg, sig)
        return True
    except ValueError:
        return False


DOMAIN_TYPE = [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
               {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}]
EVENT = [{"name": n, "type": t} for n, t in [("id", "string"), ("name", "string"), ("venue", "string"),
                                              ("doorsOpen", "uint64"), ("start", "uint64"), ("end", "uint64")]]
SEAT = [{"name": n, "type": t} for n, t in [("generalAdmission", "bool"), ("section", "string"),
                                             ("row", "string"), ("number", "string")]]
POLICY = [{"name": n, "type": t} for n, t in [("transferable", "bool"), ("currency", "string"),
                                               ("priceCap", "uint64"), ("maxTransfers", "uint8")]]
GRANT = [{"name": n, "type": t} for n, t in [
    ("token", "address"), ("tokenId", "uint256"), ("chainId", "uint256"), ("holder", "address"),
    ("passKey", "bytes32"), ("eventInfo", "Event"), ("seat", "Seat"), ("tier", "string"),
    ("transferPolicy", "TransferPolicy"), ("transfers", "uint8"), ("issuedAt", "uint64")]]


def digest(td):
    m = encode_typed_data(full_message=td)
    return keccak(b"\x19" + m.version + m.header + m.body), m


def domain(chain, contract):
    return {"name": "jigap tickets", "version": "1", "chainId": chain, "verifyingContract": contract}


def event_msg(e):
    return {"id": e[0], "name": e[1], "venue": e[2], "doorsOpen": e[3], "start": e[4], "end": e[5]}


def grant_digest(chain, contract, token, holder, pass_key, ev, seat, tier, policy, transfers, issued):
    return digest({
        "types": {"EIP712Domain": DOMAIN_TYPE, "TicketGrant": GRANT, "Event": EVENT, "Seat": SEAT,
                  "TransferPolicy": POLICY},
        "primaryType": "TicketGrant", "domain": domain(chain, contract),
        "message": {"token": contract, "tokenId": int.from_bytes(token, "big"), "chainId": chain,
                    "holder": holder, "passKey": pass_key, "eventInfo": event_msg(ev),
                    "seat": {"generalAdmission": seat[0], "section": seat[1], "row": seat[2], "number": seat[3]},
                    "tier": tier,
                    "transferPolicy": {"transferable": policy[0], "currency": policy[1],
                                       "priceCap": policy[2], "maxTransfers": policy[3]},
                    "transfers": transfers, "issuedAt": issued},
    })


def small(chain, contract, primary, fields, message):
    return digest({"types": {"EIP712Domain": DOMAIN_TYPE, primary: [{"name": n, "type": t} for n, t in fields]},
                   "primaryType": primary, "domain": domain(chain, contract), "message": message})


def identity(text, expected_address, expected_key):
    a, key, proof = payload(text, "JGID")
    check("0x" + a.hex() == expected_address.lower(), "identity address")
    check(key == expected_key, "Ed25519 key = HKDF-SHA256 + Ed25519 of the account key")
    d, m = digest({"types": {"EIP712Domain": DOMAIN_TYPE[:2],
                             "TicketKey": [{"name": "account", "type": "address"}, {"name": "key", "type": "bytes32"}]},
                   "primaryType": "TicketKey", "domain": {"name": "jigap tickets", "version": "1"},
                   "message": {"account": "0x" + a.hex(), "key": key}})
    check(Account.recover_message(m, signature=proof).lower() == expected_address.lower(), "identity proof (EIP-712)")
    return key


with tempfile.TemporaryDirectory() as tmp:
    def write(name, text):
        p = os.path.join(tmp, name)
        open(p, "w").write(text)
        return p

    issuer_acct, issuer_words = Account.create_with_mnemonic()
    issuer_file = write("issuer.txt", issuer_words)
    seller_acct, seller_words = Account.create_with_mnemonic()
    buyer_acct, buyer_words = Account.create_with_mnemonic()
    gate_acct, gate_words = Account.create_with_mnemonic()
    gate_file = write("gate.txt", gate_words)
    ikey = ["--key-file", issuer_file]

    seal_key = identity(jigap(["ticket", "issuer-id", *ikey])["identity"], issuer_acct.address,
                        ed_public(issuer_acct.key, "jigap ticket seal key v1"))
    issuer_text = jigap(["ticket", "issuer-id", *ikey])["identity"]
    vaults = {}
    for name, acct, words in [("seller", seller_acct, seller_words), ("buyer", buyer_acct, buyer_words)]:
        d = os.path.join(tmp, name)
        jigap(["vault", "init", "--dir", d, "--kdf", "fast", "--mnemonic-file", write(name + ".txt", words)], "123456\n")
        jigap(["ticket", "trust", "--dir", d, "--issuer", issuer_text], "123456\n")
        hid = jigap(["ticket", "holder-id", "--dir", d], "123456\n")["holder_id"]
        vaults[name] = (d, hid, identity(hid, acct.address, ed_public(acct.key, "jigap ticket pass key v1")))

    now = int(time.time())
    ev = ["K-POP-0601", "서울 여름 콘서트", "Olympic Park, Seoul", now - 600, now, now + 3600]
    event_file = write("event.json", json.dumps(dict(zip(["id", "name", "venue", "doors_open", "start", "end"], ev))))
    contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    token = ["--chain-id", "11155111", "--contract", contract, "--event", event_file]
    registry = ["--registry", os.path.join(tmp, "registry.json")]
    g = jigap(["ticket", "grant", *ikey, *token, *registry, "--token-id", str(2**256 - 2), "--holder", vaults["seller"][1],
               "--section", "VIP 구역", "--row", "A", "--number", "17", "--tier", "VIP",
               "--transferable", "--currency", "KRW", "--price-cap", "220000", "--max-transfers", "2"])
    f = payload(g["grant"], "JGTG")
    chain, contract_b, tok, holder, pkey, evf, seat, tier, policy, transfers, issued, iss, sig, seal = f
    d, m = grant_digest(chain, "0x" + contract_b.hex(), tok, "0x" + holder.hex(), pkey, evf, seat, tier, policy,
                        transfers, issued)
    check("0x" + d.hex() == g["digest"], "grant digest (EIP-712, eth-account)")
    check(Account.recover_message(m, signature=sig) == issuer_acct.address, "grant signer (ecrecover)")
    check("0x" + iss.hex() == issuer_acct.address.lower(), "grant issuer field")
    check(ed_ok(seal_key, d, seal), "issuer seal (Ed25519 over the grant digest)")
    check(int.from_bytes(tok, "big") == 2**256 - 2, "full 256-bit token id")
    jigap(["ticket", "import", "--dir", vaults["seller"][0], "--grant", g["grant"]], "123456\n")

    # The pass, checked as a gate in another language would: the event comes from configuration.
    shown = jigap(["ticket", "show", "--dir", vaults["seller"][0], "--ticket", g["ticket"]], "123456\n")
    p = payload(shown["pass"], "JGTP")
    check(len(p) == 18, "pass has 18 items")
    (ev_id, ptok, pholder, ppkey, ga, sec, row, num, ptier, transferable, cur, cap, maxt, ptransfers,
     pissued, pseal, window, psig) = p
    check(ev_id == ev[0] and ptok == tok and ppkey == vaults["seller"][2], "pass fields")
    check(abs(window - int(time.time()) // 15) <= 1, "window index = floor(unix / 15)")
    gd, _ = grant_digest(11155111, contract, ptok, "0x" + pholder.hex(), ppkey, ev, [ga, sec, row, num], ptier,
                         [transferable, cur, cap, maxt], ptransfers, pissued)
    check(gd == d, "grant digest recomputed from the pass and the event")
    check(ed_ok(seal_key, gd, pseal), "pass: issuer seal")
    pd, _ = small(11155111, contract, "TicketPass", [("grant", "bytes32"), ("window", "uint64")],
                  {"grant": gd, "window": window})
    check(ed_ok(ppkey, pd, psig), "pass: holder signature over TicketPass(grant, window)")
    check(shown["qr"]["version"] <= 13, "QR version <= 13")

    # The gate: authorization sealed by the issuer, receipt signed by the gate key.
    gkey = jigap(["ticket", "gate-id", "--key-file", gate_file])["gate_key"]
    check(gkey == "0x" + ed_public(gate_acct.key, "jigap ticket gate key v1").hex(), "gate key derivation")
    auth = jigap(["ticket", "authorize-gate", *ikey, *token, "--gate-key", gkey, "--gate-name", "Gate 7"])["authorization"]
    a = payload(auth, "JGGA")
    ad, _ = digest({"types": {"EIP712Domain": DOMAIN_TYPE, "Event": EVENT,
                              "TicketGate": [{"name": "eventInfo", "type": "Event"}, {"name": "gateKey", "type": "bytes32"},
                                             {"name": "gateName", "type": "string"}]},
                    "primaryType": "TicketGate", "domain": domain(a[0], "0x" + a[1].hex()),
                    "message": {"eventInfo": event_msg(a[2]), "gateKey": a[3], "gateName": a[4]}})
    check(ed_ok(seal_key, ad, a[5]), "gate authorization seal")
    cfg = write("gate.json", json.dumps({"issuers": [issuer_text], "authorizations": [auth]}))
    admit = jigap(["ticket", "verify", "--key-file", gate_file, "--config", cfg,
                   "--state", os.path.join(tmp, "gate.state"), "--pass", shown["pass"]])
    r = payload(admit["receipt"], "JGCR")
    rd, _ = small(r[0], "0x" + r[1].hex(), "TicketCheckIn",
                  [("grant", "bytes32"), ("enteredAt", "uint64"), ("gateKey", "bytes32")],
                  {"grant": r[3], "enteredAt": r[4], "gateKey": r[5]})
    check(r[3] == d and ed_ok(r[5], rd, r[8]) and r[7] == a[5], "check-in receipt")

    # A transfer request, recovered by eth-account; then the reissued grant.
    g2 = jigap(["ticket", "grant", *ikey, *token, *registry, "--token-id", "8", "--holder", vaults["seller"][1], "--number", "18",
                "--transferable", "--currency", "KRW", "--price-cap", "220000", "--max-transfers", "1"])
    jigap(["ticket", "import", "--dir", vaults["seller"][0], "--grant", g2["grant"]], "123456\n")
    req = jigap(["ticket", "transfer", "--dir", vaults["seller"][0], "--ticket", g2["ticket"], "--to", vaults["buyer"][1],
                 "--price", "200000", "--currency", "KRW"], "123456\n")
    t = payload(req["request"], "JGTR")
    td, tm = small(t[0], "0x" + t[1].hex(), "TicketTransfer",
                   [("tokenId", "uint256"), ("grant", "bytes32"), ("from", "address"), ("to", "address"),
                    ("toPassKey", "bytes32"), ("currency", "string"), ("price", "uint64"), ("requestedAt", "uint64")],
                   {"tokenId": int.from_bytes(t[2], "big"), "grant": t[3], "from": "0x" + t[4].hex(),
                    "to": "0x" + t[5][0].hex(), "toPassKey": t[5][1], "currency": t[6], "price": t[7], "requestedAt": t[8]})
    check(Account.recover_message(tm, signature=t[9]) == seller_acct.address, "transfer request signer")
    check(t[5][1] == vaults["buyer"][2], "transfer names the buyer's pass key")
    n = jigap(["ticket", "reissue", *ikey, "--grant", g2["grant"], "--request", req["request"], *registry])
    check(n["holder"] == buyer_acct.address and n["transfers"] == 1, "reissued to the buyer")
    check(jigap(["ticket", "import", "--dir", vaults["buyer"][0], "--grant", n["grant"]], "123456\n")["outcome"] == "added",
          "buyer imports")

print(f"ticket interop: {checks} checks passed (eth-account + pycryptodome)")
