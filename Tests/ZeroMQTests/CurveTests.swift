import Testing
@testable import ZeroMQ

@Suite("CURVE")
struct CurveTests {
    @Test func keyPairsAreZ85AndDeriveTheirPublicKey() throws {
        #expect(ZeroMQLibrary.has("curve"))
        let keys = try CurveKeyPair.generate()
        #expect(keys.publicKey.utf8.count == 40)
        #expect(keys.secretKey.utf8.count == 40)
        #expect(try CurveKeyPair.publicKey(forSecretKey: keys.secretKey) == keys.publicKey)
        #expect(throws: ZMQError.self) { try CurveKeyPair.publicKey(forSecretKey: "short") }
    }

    @Test func encryptedPushPullDelivers() throws {
        let context = try Context()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let pull = try context.socket(.pull)
        try pull.makeCurveServer(keys: server)
        try pull.set(.receiveTimeout(milliseconds: 3_000))
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try context.socket(.push, lingerMilliseconds: 0)
        try push.makeCurveClient(keys: client, serverKey: server.publicKey)
        try push.connect(endpoint)
        try push.send("secret")
        #expect(try pull.receiveFrame() == Array("secret".utf8))
    }

    @Test func wrongServerKeyDeliversNothing() throws {
        let context = try Context()
        let server = try CurveKeyPair.generate()
        let impostor = try CurveKeyPair.generate()
        let pull = try context.socket(.pull, lingerMilliseconds: 0)
        try pull.makeCurveServer(keys: server)
        try pull.set(.receiveTimeout(milliseconds: 200))
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try context.socket(.push, lingerMilliseconds: 0)
        try push.makeCurveClient(keys: try CurveKeyPair.generate(), serverKey: impostor.publicKey)
        try push.set(.sendTimeout(milliseconds: 100))
        try push.connect(endpoint)
        _ = try push.send("secret", dontWait: true)
        #expect(try pull.receiveFrame() == nil)
    }
}
