// Ticket flows, mirroring TicketTest.kt: grant, import, show, gate, receipts, transfers, merges.
import Foundation
import XCTest
@testable import Jigap

/// A clock the test sets (the gate's).
final class TestClock: Clock, @unchecked Sendable {
    let ms: UInt64
    init(_ ms: UInt64) { self.ms = ms }
    func nowMs() -> UInt64 { ms }
}

final class TicketTests: XCTestCase {
    let now = UInt64(Date().timeIntervalSince1970)
    let contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    lazy var event = TicketEvent(id: "MAHLER2", name: "Mahler Symphony No. 2", venue: "Lotte Concert Hall, Seoul",
                                 doorsOpen: now - 3_600, start: now + 1_800, end: now + 4 * 3_600)

    struct Setup {
        let issuer: TicketIssuer
        let issuerId: TicketIdentity
        let me: String
        let tickets: Tickets
        let myId: TicketIdentity
        let event: TicketEvent
        let contract: String

        init(event: TicketEvent, contract: String) throws {
            self.event = event
            self.contract = contract
            let issuerWallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            issuer = try TicketIssuer(wallet: issuerWallet, account: try issuerWallet.account(index: 0).address)
            issuerId = issuer.identity()
            let holderWallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
            me = try holderWallet.account(index: 0).address
            tickets = Tickets(wallet: holderWallet)
            _ = try tickets.trustIssuer(identity: issuerId)
            myId = try tickets.holderId(account: me)
        }

        func grant(_ token: Int, policy: TicketTransferPolicy? = nil, event ev: TicketEvent? = nil) throws -> String {
            try issuer.grant(holderId: myId, terms: TicketTerms(
                chainId: 1, contract: contract, tokenId: String(token), event: ev ?? event,
                seat: TicketSeat(section: "B", row: "12", number: "7"), tier: "R", policy: policy ?? TicketTransferPolicy()))
        }

        func ticket(_ token: Int, policy: TicketTransferPolicy? = nil) throws -> TicketInfo {
            try tickets.importGrant(grant: try grant(token, policy: policy)).ticket
        }

        /// A gate authorised by the issuer for `event`, on a clock the test sets.
        func gate(_ name: String, _ clock: Clock, key: GateKey? = nil) throws -> Gate {
            let k = try key ?? GateKey.generate()
            let auth = try issuer.authorizeGate(chainId: 1, contract: contract, event: event, gateKey: k.publicKey(), gateName: name)
            return try Gate(key: k, issuers: [issuerId], authorizations: [auth], clock: clock)
        }
    }

    /// A clock inside the pass's window, `offset` windows away.
    func clockAt(_ pass: TicketPass, _ offset: Int64) -> TestClock {
        TestClock(UInt64((Int64(pass.window) + offset) * 15_000 + 5_000))
    }

    func setup() throws -> Setup { try Setup(event: event, contract: contract) }

    func testGrantImportShowAdmitReceipt() throws {
        let s = try setup()
        let grant = try s.grant(42)
        XCTAssertEqual(try s.tickets.importGrant(grant: grant).outcome, .added)
        XCTAssertEqual(try s.tickets.importGrant(grant: grant).outcome, .unchanged)
        let t = try XCTUnwrap(try s.tickets.list().first)
        XCTAssertEqual(t.id, "1:\(contract):42")
        XCTAssertEqual(t.status, .sold)
        XCTAssertTrue(t.locked)
        XCTAssertEqual(t.state, .usable)
        XCTAssertEqual(t.seatLabel, "section B, row 12, seat 7")
        XCTAssertEqual(t.issuer, s.issuer.address())
        XCTAssertEqual(try s.tickets.trustedIssuers(), [s.issuerId])

        let pass = try s.tickets.show(id: t.id)
        XCTAssertTrue(pass.text.hasPrefix("JGTP:"))
        XCTAssertLessThanOrEqual(pass.size, 69)
        XCTAssertEqual(pass.modules.count, Int(pass.size * pass.size))
        XCTAssertTrue(pass.svg.contains("<svg"))
        XCTAssertEqual(pass.nextRotationMs, (pass.window + 1) * 15_000)

        let gate = try s.gate("North 3", clockAt(pass, 0))
        let admit = try gate.verify(pass: pass.text)
        XCTAssertEqual(admit.ticketId, t.id)
        XCTAssertEqual(admit.seat.number, "7")
        XCTAssertEqual(admit.holder, s.me)
        XCTAssertThrowsError(try gate.verify(pass: pass.text)) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("already entered through gate 'North 3'"))
        }
        let used = try s.tickets.applyReceipt(receipt: try gate.receipt(admit: admit))
        XCTAssertEqual(used.status, .redeemed)
        guard case .used(_, let gateName) = used.state else { return XCTFail("\(used.state)") }
        XCTAssertEqual(gateName, "North 3")
        XCTAssertThrowsError(try s.tickets.show(id: t.id)) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("already used"))
        }
    }

    func testOneWindowEitherSideIsAcceptedTwoAreStale() throws {
        let s = try setup()
        let pass = try s.tickets.show(id: try s.ticket(1).id)
        for offset: Int64 in [-2, 2, 3] {
            XCTAssertThrowsError(try s.gate("Stale \(offset)", clockAt(pass, offset)).verify(pass: pass.text)) { e in
                guard case JigapError.Expired(let message) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(message.contains("time window \(pass.window)"))
            }
        }
        for offset: Int64 in [-1, 0, 1] {
            XCTAssertEqual(try s.gate("Ok \(offset)", clockAt(pass, offset)).verify(pass: pass.text).window, pass.window)
        }
    }

    func testUntrustedIssuersAndForgedPassesAreRefused() throws {
        let s = try setup()
        let strangerWallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let stranger = try TicketIssuer(wallet: strangerWallet, account: try strangerWallet.account(index: 0).address)
        let forged = try stranger.grant(holderId: s.myId, terms: TicketTerms(chainId: 1, contract: contract, tokenId: "7", event: event, seat: TicketSeat(section: "A", number: "1")))
        XCTAssertThrowsError(try s.tickets.importGrant(grant: forged)) { e in
            guard case JigapError.Untrusted = e else { return XCTFail("\(e)") }
        }
        _ = try s.tickets.trustIssuer(identity: stranger.identity())
        let pass = try s.tickets.show(id: try s.tickets.importGrant(grant: forged).ticket.id)
        let gate = try s.gate("North 3", clockAt(pass, 0))
        XCTAssertThrowsError(try gate.verify(pass: pass.text)) { e in
            guard case JigapError.BadSignature = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try gate.verify(pass: "JGTP:NOT A PASS")) { e in
            guard case JigapError.InvalidInput = e else { return XCTFail("\(e)") }
        }
        XCTAssertTrue(try s.tickets.distrustIssuer(address: stranger.address()))
        XCTAssertEqual(try s.tickets.trustedIssuers(), [s.issuerId])
    }

    func testWrongEventAndTooEarlyAreRefused() throws {
        let s = try setup()
        var other = event
        other.id = "BRAHMS4"
        let pass = try s.tickets.show(id: try s.tickets.importGrant(grant: try s.grant(2, event: other)).ticket.id)
        XCTAssertThrowsError(try s.gate("North 3", clockAt(pass, 0)).verify(pass: pass.text)) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("which this gate does not admit"))
        }

        var later = event
        later.id = "LATER"
        later.doorsOpen = now + 7_200
        later.start = now + 9_000
        let early = try s.tickets.show(id: try s.tickets.importGrant(grant: try s.grant(3, event: later)).ticket.id)
        let key = try GateKey.generate()
        let auth = try s.issuer.authorizeGate(chainId: 1, contract: contract, event: later, gateKey: key.publicKey(), gateName: "East")
        let gate = try Gate(key: key, issuers: [s.issuerId], authorizations: [auth], clock: clockAt(early, 0))
        XCTAssertThrowsError(try gate.verify(pass: early.text)) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("too early"))
        }
    }

    func testListShowsUpcomingEventsFirst() throws {
        let s = try setup()
        var soon = event
        soon.id = "SOON"
        soon.start = now + 600
        _ = try s.ticket(1)
        _ = try s.tickets.importGrant(grant: try s.grant(2, event: soon))
        XCTAssertEqual(try s.tickets.list().map { $0.event.id }, ["SOON", "MAHLER2"])
        XCTAssertThrowsError(try s.tickets.get(id: "1:\(contract):999")) { e in
            guard case JigapError.NotFound = e else { return XCTFail("\(e)") }
        }
    }

    func testTransfersFollowThePolicy() throws {
        let s = try setup()
        let buyerWallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let buyer = Tickets(wallet: buyerWallet)
        _ = try buyer.trustIssuer(identity: s.issuerId)
        let buyerAddress = try buyerWallet.account(index: 0).address
        let buyerId = try buyer.holderId(account: buyerAddress)

        let locked = try s.ticket(1)
        XCTAssertThrowsError(try s.tickets.requestTransfer(id: locked.id, to: buyerId, price: 0, currency: "KRW")) { e in
            guard case JigapError.LimitExceeded(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("not transferable"))
        }
        let t = try s.ticket(2, policy: TicketTransferPolicy(transferable: true, currency: "KRW", priceCap: 100_000, maxTransfers: 1))
        XCTAssertThrowsError(try s.tickets.requestTransfer(id: t.id, to: buyerId, price: 100_001, currency: "KRW")) { e in
            guard case JigapError.LimitExceeded(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("resale cap"))
        }
        let request = try s.tickets.requestTransfer(id: t.id, to: buyerId, price: 90_000, currency: "KRW")
        XCTAssertEqual(try recoverTypedDataSigner(typedDataJson: request.typedDataJson, signature: request.signature), s.me)
        XCTAssertEqual(try s.tickets.get(id: t.id).status, .resell)

        let newGrant = try s.issuer.reissue(request: request.text, grant: nil)
        let bought = try buyer.importGrant(grant: newGrant).ticket
        XCTAssertEqual(bought.holder, buyerAddress)
        XCTAssertEqual(try s.tickets.importGrant(grant: newGrant).outcome, .transferConfirmed)
        XCTAssertEqual(try s.tickets.get(id: t.id).status, .void)
        XCTAssertThrowsError(try s.tickets.show(id: t.id)) { e in
            guard case JigapError.Refused = e else { return XCTFail("\(e)") }
        }
        let pass = try buyer.show(id: bought.id)
        XCTAssertEqual(try s.gate("North 3", clockAt(pass, 0)).verify(pass: pass.text).transfers, 1)
    }

    /// A clock that throws: the gate reads the system clock instead and keeps its entered set.
    final class BrokenClock: Clock, @unchecked Sendable {
        struct Unavailable: Error {}
        func nowMs() throws -> UInt64 { throw Unavailable() }
    }

    func testAThrowingClockDoesNotBreakTheGate() throws {
        let s = try setup()
        let pass = try s.tickets.show(id: try s.ticket(5).id)
        let gate = try s.gate("East 2", BrokenClock())
        XCTAssertEqual(try gate.verify(pass: pass.text).seat.number, "7")
        XCTAssertThrowsError(try gate.verify(pass: pass.text)) { error in
            guard case JigapError.Refused = error else { return XCTFail("expected Refused, got \(error)") }
        }
        XCTAssertEqual(try gate.entries().count, 1)
    }

    func testTwoGatesMergeTheirEnteredSets() throws {
        let s = try setup()
        let first = try s.tickets.show(id: try s.ticket(1).id)
        let second = try s.tickets.show(id: try s.ticket(2).id)
        let clock = clockAt(first, 0)
        let operatorWallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let north = try s.gate("North 3", clock, key: try GateKey.fromAccount(wallet: operatorWallet, account: try operatorWallet.account(index: 0).address))
        let south = try s.gate("South 1", clock, key: try GateKey.fromAccount(wallet: operatorWallet, account: try operatorWallet.addAccount().address))
        _ = try north.verify(pass: first.text)
        _ = try south.verify(pass: second.text)
        XCTAssertEqual(try south.merge(export: try north.export()), GateMergeReport(added: 1, updated: 0, ignored: 0, total: 2))
        XCTAssertThrowsError(try south.verify(pass: first.text)) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("already entered through gate 'North 3'"))
        }
        XCTAssertEqual(try north.merge(export: try south.export()).total, 2)
    }
}
