// On chain, mirroring EvmTest.kt: against anvil on loopback, started by the test (on a Mac:
// Foundry's `anvil` on the PATH, or the binary the ANVIL environment variable names), through
// URLSession.
import Foundation
import XCTest
@testable import Jigap

/// The app's HTTP stack as jigap's transport.
final class URLSessionTransport: JsonRpcTransport {
    let url: URL
    init(url: URL) { self.url = url }
    func call(body: String) throws -> String {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let done = DispatchSemaphore(value: 0)
        var result: Result<String, Error> = .failure(ForeignError.Failed(reason: "no reply"))
        URLSession.shared.dataTask(with: request) { data, _, error in
            if let error { result = .failure(ForeignError.Failed(reason: "\(self.url): \(error)")) }
            else { result = .success(String(decoding: data ?? Data(), as: UTF8.self)) }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }
}

final class EvmTests: XCTestCase {
    static var anvil: Process?
    static var input: Pipe?
    static var url = URL(string: "http://127.0.0.1:18545")!
    let bob = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

    override class func setUp() {
        let bin = ProcessInfo.processInfo.environment["ANVIL"] ?? "anvil"
        let p = Process()
        let pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\(bin) --host 127.0.0.1 --port 18545 --chain-id 31337 --quiet & a=$!; read _; kill $a"]
        p.standardInput = pipe
        try? p.run()
        anvil = p
        input = pipe
        let t = URLSessionTransport(url: url)
        for _ in 0..<400 {
            if (try? t.call(body: #"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#)) != nil { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    override class func tearDown() {
        try? input?.fileHandleForWriting.close()
        anvil?.waitUntilExit()
    }

    var node: URLSessionTransport { URLSessionTransport(url: EvmTests.url) }

    func funded() throws -> (EvmWallet, String) {
        let wallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let me = try wallet.account(index: 0).address
        _ = try node.call(body: #"{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":[""# + me + #"","0x56bc75e2d63100000"]}"#)
        return (try EvmWallet(wallet: wallet, chainId: 31337), me)
    }

    func testSendEthShowingWhatItDoes() throws {
        let (evm, me) = try funded()
        let flow = evm.sendFlow(intent: SendIntent(from: me, to: bob, value: try evmParseUnits(amount: "0.05", decimals: 18),
            data: "0x", gas: nil, speed: "normal", txType: nil))
        let proposal = try flow.prepare(transport: node)
        XCTAssertEqual(proposal.explanation.en, "send 0.05 ETH to \(bob)")
        XCTAssertEqual(proposal.explanation.ko, "\(bob)에게 0.05 ETH 보내기")
        let signed = try flow.send(transport: node)
        XCTAssertEqual(try evmDecodeRaw(raw: signed.raw, expectedChain: 31337).from, me)
        let receipt = try XCTUnwrap(try evm.waitForReceipt(transport: node, hash: signed.hash, pollMs: 50, timeoutMs: 20_000))
        XCTAssertTrue(receipt.status)
        XCTAssertEqual(receipt.gasUsed, 21_000)
        XCTAssertTrue(try evm.pending(from: nil).isEmpty)
    }

    func testAnUnlimitedApprovalIsRiskyAndNothingIsSigned() throws {
        let (evm, me) = try funded()
        let flow = evm.sendFlow(intent: SendIntent(from: me, to: bob, value: "0",
            data: erc20ApproveData(spender: bob, amount: "0x" + String(repeating: "f", count: 64)), gas: 100_000, speed: nil, txType: nil))
        let explanation = try flow.prepare(transport: node).explanation
        XCTAssertTrue(explanation.risky)
        XCTAssertTrue(explanation.warningsKo.first?.contains("위험") ?? false)
        XCTAssertNil(try flow.signed())
    }

    func testAnotherChainIsRefusedBeforeSigning() throws {
        let wallet = try Wallet.create(store: JigapStore.memory(), pin: "123456", options: FAST_CREATE)
        let me = try wallet.account(index: 0).address
        let mainnet = try EvmWallet(wallet: wallet, chainId: 1)
        let flow = mainnet.sendFlow(intent: SendIntent(from: me, to: bob, value: "1", data: "0x", gas: nil, speed: nil, txType: nil))
        XCTAssertThrowsError(try flow.prepare(transport: node)) { e in
            guard case JigapError.InvalidInput(let message) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(message.contains("chain 31337"))
        }
        XCTAssertThrowsError(try EvmWallet(wallet: wallet, chainId: 0))
    }

    func testAnUnreachableNodeIsANetworkError() throws {
        let (evm, me) = try funded()
        let flow = evm.sendFlow(intent: SendIntent(from: me, to: bob, value: "1", data: "0x", gas: nil, speed: nil, txType: nil))
        XCTAssertThrowsError(try flow.prepare(transport: URLSessionTransport(url: URL(string: "http://127.0.0.1:1")!))) { e in
            guard case JigapError.Network = e else { return XCTFail("\(e)") }
        }
    }
}
