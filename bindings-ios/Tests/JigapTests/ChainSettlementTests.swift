// Vouchers and tickets settled on chain, mirroring ChainSettlementTest.kt: the city's, the
// shop's and the citizen's apps against anvil (started by EvmTests), through URLSession. The
// contracts' bytecode comes from target/contracts (`cargo xtask mobile` compiles them).
import Foundation
import XCTest
@testable import Jigap

final class ChainSettlementTests: XCTestCase {
    var node: URLSessionTransport { URLSessionTransport(url: EvmTests.url) }
    let now = UInt64(Date().timeIntervalSince1970)

    override class func setUp() { EvmTests.setUp() }
    override class func tearDown() { EvmTests.tearDown() }

    struct Party {
        let wallet: Wallet
        let address: String
        let evm: EvmWallet
    }

    func party() throws -> Party {
        let wallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let address = try wallet.account(index: 0).address
        _ = try node.call(body: #"{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":[""# + address + #"","0x56bc75e2d63100000"]}"#)
        return Party(wallet: wallet, address: address, evm: try EvmWallet(wallet: wallet, chainId: 31337))
    }

    @discardableResult
    func send(_ p: Party, _ intent: SendIntent) throws -> Receipt {
        let flow = p.evm.sendFlow(intent: intent)
        _ = try flow.prepare(transport: node)
        let hash = try flow.send(transport: node).hash
        return try XCTUnwrap(try p.evm.waitForReceipt(transport: node, hash: hash, pollMs: 50, timeoutMs: 20_000))
    }

    @discardableResult
    func send(_ p: Party, to: String?, data: String) throws -> Receipt {
        let r = try send(p, SendIntent(from: p.address, to: to, value: "0", data: data, gas: nil, speed: nil, txType: nil))
        XCTAssertTrue(r.status)
        return r
    }

    func bytecode(_ name: String) throws -> String {
        let json = try String(contentsOfFile: "target/contracts/\(name).json", encoding: .utf8)
        let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try XCTUnwrap(obj?["bytecode"] as? String)
    }

    func deployToken(_ p: Party) throws -> String {
        let code = try bytecode("TestToken") + String(try abiEncode(types: ["uint256"], valuesJson: #"["1000000000"]"#).dropFirst(2))
        return try XCTUnwrap(try send(p, to: nil, data: code).contractAddress)
    }

    func testPayOfflineSettleOnChainAndSync() throws {
        let city = try party(), shop = try party(), citizen = try party()
        let token = try deployToken(city)
        let pool = try XCTUnwrap(try send(city, to: nil, data: try voucherPoolDeployData(bytecode: try bytecode("VoucherPool"), token: token, currency: "KRW", scale: "1")).contractAddress)
        try send(city, to: token, data: erc20ApproveData(spender: pool, amount: "100000"))
        try send(city, to: pool, data: voucherPoolFundCall(amount: 100_000))
        try send(city, to: pool, data: voucherPoolSetMerchantsCall(entries: [PoolMerchant(merchant: shop.address, category: 5411, region: "KR-11", active: true)]))
        let domain = VoucherDomain(chainId: 31337, verifyingContract: pool)
        let grant = try VoucherIssuer(wallet: city.wallet, issuer: city.address, domain: domain).grant(spec: GrantSpec(
            holder: citizen.address, amount: 50_000, currency: "KRW", validFrom: now - 60, validUntil: now + 30 * 86_400, categories: [5411]))
        try send(city, to: pool, data: try voucherPoolRegisterCall(grants: [grant]))
        let vouchers = try Vouchers(wallet: citizen.wallet, domain: domain)
        try vouchers.setTrustedIssuers(issuers: [TrustedIssuer(address: city.address, name: "Seoul", currency: "KRW")])
        let id = try vouchers.importGrant(grant: grant).id

        let desk = try MerchantDesk(wallet: shop.wallet, merchant: shop.address, name: "Mangwon Market", category: 5411,
                                    region: "KR-11", trustedIssuers: [city.address], domain: domain)
        let request = try desk.createRequest(amount: 30_000, currency: "KRW", ttlSecs: 600)
        let payment = try vouchers.pay(request: request.qr)
        _ = try desk.accept(request: request.qr, payment: payment.qr)
        let receipt = try send(shop, try desk.redeemOnchain(request: request.qr, payment: payment.qr))
        XCTAssertLessThan(receipt.gasUsed, 150_000)
        guard case .redeemed(_, _, _, _, _, let total)? = desk.settlement(receipt: receipt).settled.first else {
            return XCTFail("no Redeemed event")
        }
        XCTAssertEqual(total, 30_000)
        XCTAssertEqual(try vouchers.syncChain(transport: node).settled, 1)
        XCTAssertEqual(try vouchers.balances().first?.spendable, 20_000)
        XCTAssertEqual(try voucherPoolVoucher(transport: node, poolAddress: pool, voucherId: id).remaining, 20_000)
        XCTAssertThrowsError(try send(shop, try desk.redeemOnchain(request: request.qr, payment: payment.qr))) { e in
            guard case JigapError.Refused(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("AlreadyRedeemed("))
        }
    }

    func testTicketResaleWithinTheCapThenCheckIn() throws {
        let issuer = try party(), seller = try party(), buyer = try party(), gate = try party()
        let token = try deployToken(issuer)
        try send(issuer, to: token, data: erc20TransferData(to: buyer.address, amount: "100000"))
        let contract = try XCTUnwrap(try send(issuer, to: nil, data: try ticketTokenDeployData(
            bytecode: try bytecode("TicketToken"), name: "Winter", symbol: "WNTR", paymentToken: token, currency: "KRW", scale: "1")).contractAddress)
        let ticketIssuer = try TicketIssuer(wallet: issuer.wallet, account: issuer.address)
        let tickets = Tickets(wallet: seller.wallet)
        _ = try tickets.trustIssuer(identity: ticketIssuer.identity())
        let event = TicketEvent(id: "WNTR-1", name: "Winter concert", venue: "KSPO Dome", doorsOpen: now - 3600, start: now, end: now + 7200)
        let grant = try ticketIssuer.grant(holderId: try tickets.holderId(account: seller.address), terms: TicketTerms(
            chainId: 31337, contract: contract, tokenId: "7", event: event,
            seat: TicketSeat(generalAdmission: false, section: "A", row: "1", number: "7"), tier: "R",
            policy: TicketTransferPolicy(transferable: true, currency: "KRW", priceCap: 80_000, maxTransfers: 1)))
        try send(issuer, to: contract, data: try ticketMintCall(grants: [grant]))
        let id = try tickets.importGrant(grant: grant).ticket.id

        XCTAssertThrowsError(try tickets.resaleListing(id: id, price: 80_001))
        try send(seller, to: contract, data: try tickets.resaleListing(id: id, price: 80_000))
        try send(buyer, to: token, data: erc20ApproveData(spender: contract, amount: "80000"))
        let buyerTickets = Tickets(wallet: buyer.wallet)
        _ = try buyerTickets.trustIssuer(identity: ticketIssuer.identity())
        let bought = try send(buyer, to: contract, data: try buyerTickets.buyResaleCall(id: id, buyer: buyer.address))
        let resold = try XCTUnwrap(ticketChainEvents(contract: contract, receipt: bought).first {
            if case .resold = $0 { return true } else { return false }
        })
        XCTAssertTrue(try tickets.syncChain(transport: node).first?.changed ?? false)
        _ = try buyerTickets.importGrant(grant: try ticketIssuer.reissueAfterResale(grant: grant, resold: resold))

        try send(issuer, to: contract, data: ticketSetGateCall(gate: gate.address, allowed: true))
        try send(gate, to: contract, data: try abiEncodeCall(signature: "checkIn(uint256[])", valuesJson: #"[["7"]]"#))
        let chain = try XCTUnwrap(try ticketChainState(transport: node, tickets: [id]).first)
        XCTAssertEqual(chain.status, .redeemed)
        XCTAssertTrue(chain.locked)
    }
}
