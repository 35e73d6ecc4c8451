// Credential flows, mirroring CredentialTest.kt: a drone licence as an SD-JWT VC presented with
// only two claims, replays and tampering refused, expiry and revocation, Open Badges, JWT VPs,
// a did:web issuer. They run on a Mac with `swift test`; the Linux CI only syntax-checks them.
import Foundation
import XCTest
@testable import Jigap

/// A clock the test moves: the app's trusted time in production. (`Jigap.Clock`, not the
/// standard library's `Clock`.)
final class MovableClock: Jigap.Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var ms = UInt64(Date().timeIntervalSince1970 * 1000)

    func nowMs() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return ms
    }

    func advance(days: UInt64) {
        lock.lock()
        ms += days * 86_400_000
        lock.unlock()
    }
}

private func base64url(_ data: Data) -> String {
    data.base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

private func fromBase64url(_ s: String) -> String {
    var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while b.count % 4 != 0 { b += "=" }
    return Data(base64Encoded: b).flatMap { String(data: $0, encoding: .utf8) } ?? ""
}

private func claims(_ json: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
}

final class CredentialTests: XCTestCase {
    let now = UInt64(Date().timeIntervalSince1970)
    let inspector = "https://inspector.molit.example.kr"
    let vct = "https://licence.molit.example.kr/drone-pilot"
    let statusUrl = "https://licence.molit.example.kr/status/1"
    let registered: Set<String> = ["iss", "iat", "exp", "vct", "cnf", "credentialStatus"]

    struct Setup {
        let wallet: Wallet
        let credentials: Credentials
        let molit: CredentialIssuer
        let academy: CredentialIssuer

        init(clock: Jigap.Clock? = nil) throws {
            wallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            credentials = Credentials(wallet: wallet, clock: clock)
            molit = try CredentialIssuer(keyType: .p256, name: "MOLIT drone licensing")
            academy = try CredentialIssuer(keyType: .ed25519, name: "Korea Drone Academy")
        }
    }

    func licence(_ s: Setup, expiresAt: UInt64? = nil, statusIndex: UInt64? = nil) throws -> String {
        try s.molit.issueSdJwt(input: SdJwtInput(
            vct: vct,
            claims: #"{"given_name":"Jiwoo","family_name":"Kim","category":"A2","licence_expiry":"2031-01-01","licence_number":"DR-2026-0042"}"#,
            holderJwk: try s.credentials.holderJwk(),
            expiresAt: expiresAt ?? now + 365 * 86_400,
            status: statusIndex.map { CredentialStatusEntry(purpose: "revocation", index: $0, listUrl: statusUrl) }
        ))
    }

    func verifier(_ nonce: String, clock: Jigap.Clock? = nil, statusLists: [String: String] = [:]) throws -> CredentialVerifier {
        try CredentialVerifier(options: CredentialVerifierOptions(nonce: nonce, audience: inspector, statusLists: statusLists), clock: clock)
    }

    func assertKind(_ expression: @autoclosure () throws -> Any, _ check: (JigapError) -> Bool, _ contains: String? = nil,
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { e in
            guard let j = e as? JigapError, check(j) else { return XCTFail("unexpected \(e)", file: file, line: line) }
            if let c = contains { XCTAssertTrue("\(j)".contains(c), "\(j) lacks \(c)", file: file, line: line) }
        }
    }

    func testSdJwtLicenceImportSearchAndDiscloseTwoClaims() throws {
        let s = try Setup()
        XCTAssertTrue(try s.credentials.holderDid().hasPrefix("did:key:zQ3s"))
        let stored = try s.credentials.import(credential: try licence(s), options: CredentialImportOptions(trustedIssuers: [s.molit.id()], requireTrusted: true))
        XCTAssertEqual(stored.format, .sdJwtVc)
        XCTAssertEqual(stored.types, [vct])
        XCTAssertEqual(stored.issuer, s.molit.id())
        XCTAssertTrue(stored.bound)
        XCTAssertEqual(stored.validity, .valid)
        XCTAssertEqual(claims(stored.claims)["licence_number"] as? String, "DR-2026-0042")
        XCTAssertTrue(stored.disclosable.contains("category"))
        XCTAssertEqual(stored.warnings, [])

        XCTAssertEqual(try s.credentials.list().map { $0.id }, [stored.id])
        XCTAssertEqual(try s.credentials.list(filter: CredentialFilter(credentialType: vct)).count, 1)
        XCTAssertEqual(try s.credentials.list(filter: CredentialFilter(credentialType: "OpenBadgeCredential")).count, 0)
        XCTAssertEqual(try s.credentials.get(id: stored.id), stored)

        let presentation = try s.credentials.present(id: stored.id, disclose: ["category", "licence_expiry"], nonce: "n-1", audience: inspector)
        let v = try verifier("n-1").verifyPresentation(presentation: presentation)
        XCTAssertEqual(v.format, .sdJwtVc)
        XCTAssertEqual(v.holder, try s.credentials.holderJwk())
        let seen = claims(v.credentials[0].claims)
        XCTAssertEqual(Set(seen.keys).subtracting(registered), ["category", "licence_expiry"])
        XCTAssertEqual(seen["category"] as? String, "A2")
        XCTAssertEqual(seen["licence_expiry"] as? String, "2031-01-01")

        assertKind(try s.credentials.present(id: stored.id, disclose: ["blood_type"], nonce: "n-1", audience: inspector)) {
            if case .InvalidInput = $0 { return true } else { return false }
        }
        let other = try Setup()
        assertKind(try other.credentials.import(credential: try licence(other), options: CredentialImportOptions(trustedIssuers: [s.molit.id()], requireTrusted: true))) {
            if case .Untrusted = $0 { return true } else { return false }
        }
        XCTAssertEqual(try other.credentials.import(credential: try licence(other)).warnings.count, 1)
    }

    func testReplaysAndTamperedDisclosuresAreRefused() throws {
        let s = try Setup()
        let issued = try licence(s)
        let id = try s.credentials.import(credential: issued).id
        let p = try s.credentials.present(id: id, disclose: ["category", "licence_expiry"], nonce: "n-2", audience: inspector)
        _ = try verifier("n-2").verifyPresentation(presentation: p)
        let refused: (JigapError) -> Bool = { if case .Refused = $0 { return true } else { return false } }

        assertKind(try self.verifier("n-3").verifyPresentation(presentation: p), refused, "nonce")
        let elsewhere = try CredentialVerifier(options: CredentialVerifierOptions(nonce: "n-2", audience: "https://shop.example"))
        assertKind(try elsewhere.verifyPresentation(presentation: p), refused, "audience")

        let parts = p.components(separatedBy: "~")
        XCTAssertEqual(parts.count, 4)
        let removed = [parts[0], parts[2], parts[3]].joined(separator: "~")
        assertKind(try self.verifier("n-2").verifyPresentation(presentation: removed), refused, "sd_hash")
        let givenName = issued.components(separatedBy: "~").dropFirst().first { fromBase64url($0).contains("\"given_name\"") } ?? ""
        let added = (parts.dropLast() + [givenName, parts[3]]).joined(separator: "~")
        assertKind(try self.verifier("n-2").verifyPresentation(presentation: added), refused)
        let fake = base64url(Data(#"["c2FsdA","category","C"]"#.utf8))
        let altered = [parts[0], fake, parts[2], parts[3]].joined(separator: "~")
        assertKind(try self.verifier("n-2").verifyPresentation(presentation: altered), {
            if case .BadSignature = $0 { return true } else { return false }
        }, "disclosure")
        let noKeyBinding = parts.dropLast().joined(separator: "~") + "~"
        assertKind(try self.verifier("n-2").verifyPresentation(presentation: noKeyBinding), refused)
    }

    func testExpiredLicenceIsReportedByTheMovedClock() throws {
        let clock = MovableClock()
        let s = try Setup(clock: clock)
        let id = try s.credentials.import(credential: try licence(s, expiresAt: now + 86_400)).id
        clock.advance(days: 2)
        XCTAssertEqual(try s.credentials.get(id: id).validity, .expired)
        XCTAssertEqual(try s.credentials.list(filter: CredentialFilter(validity: .expired)).map { $0.id }, [id])
        let p = try s.credentials.present(id: id, disclose: ["category"], nonce: "n-4", audience: inspector)
        assertKind(try self.verifier("n-4", clock: clock).verifyPresentation(presentation: p), {
            if case .Expired = $0 { return true } else { return false }
        }, "expired")
    }

    func testRevokedLicenceIsReportedFromTheStatusList() throws {
        let s = try Setup()
        let good = try s.credentials.import(credential: try licence(s, statusIndex: 7)).id
        let bad = try s.credentials.import(credential: try licence(s, statusIndex: 94_567))
        XCTAssertEqual(bad.status, CredentialStatusEntry(purpose: "revocation", index: 94_567, listUrl: statusUrl, size: 1))
        let list = try s.molit.issueStatusList(input: StatusListInput(url: statusUrl, set: [94_567, 3]))
        XCTAssertEqual(try s.credentials.checkStatus(id: good, statusListCredential: list), .valid)
        XCTAssertEqual(try s.credentials.checkStatus(id: bad.id, statusListCredential: list), .revoked)
        XCTAssertEqual(try s.credentials.get(id: bad.id).lastStatus, .revoked)

        let lists = [statusUrl: list]
        let ok = try verifier("n-6", statusLists: lists).verifyPresentation(
            presentation: try s.credentials.present(id: good, disclose: ["category"], nonce: "n-6", audience: inspector))
        XCTAssertEqual(ok.credentials[0].status, .valid)
        let revoked = try s.credentials.present(id: bad.id, disclose: ["category"], nonce: "n-6", audience: inspector)
        assertKind(try self.verifier("n-6", statusLists: lists).verifyPresentation(presentation: revoked), {
            if case .Refused = $0 { return true } else { return false }
        }, "revoked")
    }

    func testOpenBadgeShowsAchievementAndIssuerAndIncompleteBadgesAreRejected() throws {
        let s = try Setup()
        let me = try s.credentials.holderDid()
        let badge = try s.academy.issueBadge(input: BadgeInput(
            name: "Drone safety, level 1", achievementName: "Drone Safety Basics",
            description: "Safe flight near people and airports",
            criteriaNarrative: "Pass the 20-question theory test and a practical flight.",
            image: "https://academy.example.kr/badges/safety.png", subject: me
        ))
        let stored = try s.credentials.import(credential: badge)
        XCTAssertEqual(stored.format, .jwtVc)
        XCTAssertEqual(stored.issuerName, "Korea Drone Academy")
        XCTAssertEqual(stored.badge?.achievementName, "Drone Safety Basics")
        XCTAssertEqual(stored.badge?.issuerName, "Korea Drone Academy")
        XCTAssertEqual(stored.badge?.image, "https://academy.example.kr/badges/safety.png")
        XCTAssertTrue(stored.badge?.criteria.narrative?.contains("theory test") ?? false)
        XCTAssertEqual(try s.credentials.list(filter: CredentialFilter(achievement: "safety basics")).map { $0.id }, [stored.id])

        let noCriteria = try s.academy.issueJwtVc(credential: """
            {"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],
             "name":"No criteria","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"\(me)","type":["AchievementSubject"],
             "achievement":{"id":"https://x.example/a","type":["Achievement"],"name":"A","description":"d"}}}
            """)
        let invalid: (JigapError) -> Bool = { if case .InvalidInput = $0 { return true } else { return false } }
        assertKind(try s.credentials.import(credential: noCriteria), invalid, "criteria")
        assertKind(try s.academy.issueBadge(input: BadgeInput(name: "x", achievementName: "x", description: "x", subject: me)), invalid)
        XCTAssertEqual(try s.credentials.list().count, 1)
    }

    func testJwtVpOfTwoBadgesRoundTripsAndDeleteRemoves() throws {
        let s = try Setup()
        let me = try s.credentials.holderDid()
        func badge(_ name: String, _ format: CredentialFormat?) throws -> String {
            try s.credentials.import(credential: try s.academy.issueBadge(input: BadgeInput(
                name: name, achievementName: name, description: "d",
                criteriaUrl: "https://academy.example.kr/c", subject: me, format: format
            ))).id
        }
        let first = try badge("Theory", nil)
        let second = try badge("Night flight", .dataIntegrity)
        let vp = try s.credentials.presentJwtVp(ids: [first, second], nonce: "n-8", audience: inspector)
        let v = try verifier("n-8").verifyPresentation(presentation: vp)
        XCTAssertEqual(v.format, .jwtVp)
        XCTAssertEqual(v.holder, me)
        XCTAssertEqual(v.credentials.map { $0.badge?.achievementName }, ["Theory", "Night flight"])
        XCTAssertEqual(v.credentials.map { $0.format }, [.jwtVc, .dataIntegrity])

        try s.credentials.delete(id: first)
        XCTAssertEqual(try s.credentials.list().map { $0.id }, [second])
        assertKind(try s.credentials.get(id: first)) { if case .NotFound = $0 { return true } else { return false } }
    }

    func testDidWebIssuerWithTheAppsDidDocument() throws {
        let s = try Setup()
        let did = "did:web:licence.molit.example.kr"
        let seed = Data(repeating: 7, count: 32)
        let issuer = try CredentialIssuer(keyType: .secp256k1, seed: seed, id: did)
        let doc = #"{"id":"\#(did)","verificationMethod":[{"id":"\#(did)#key-1","type":"JsonWebKey2020","controller":"\#(did)","publicKeyJwk":\#(issuer.publicJwk())}],"assertionMethod":["\#(did)#key-1"]}"#
        let sd = try issuer.issueSdJwt(input: SdJwtInput(vct: vct, claims: #"{"category":"A1"}"#, holderJwk: try s.credentials.holderJwk()))
        assertKind(try s.credentials.import(credential: sd), {
            if case .InvalidInput = $0 { return true } else { return false }
        }, "DID document")
        let stored = try s.credentials.import(credential: sd, options: CredentialImportOptions(trustedIssuers: [did], requireTrusted: true, didDocuments: [doc]))
        XCTAssertEqual(stored.issuer, did)
        let p = try s.credentials.present(id: stored.id, disclose: ["category"], nonce: "n-10", audience: inspector)
        let v = try CredentialVerifier(options: CredentialVerifierOptions(nonce: "n-10", audience: inspector, trustedIssuers: [did], requireTrusted: true, didDocuments: [doc]))
        XCTAssertEqual(claims(try v.verifyPresentation(presentation: p).credentials[0].claims)["category"] as? String, "A1")
        XCTAssertEqual(try CredentialIssuer(keyType: .secp256k1, seed: seed).publicJwk(), issuer.publicJwk())
    }
}
