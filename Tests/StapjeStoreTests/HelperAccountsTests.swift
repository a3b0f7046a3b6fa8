import Foundation
import StapjeStore
import StapjeTestSupport
import Testing

struct HelperAccountsTests {
    static func accounts(_ store: TemporaryStore, limits: AttemptLimits = .init()) -> HelperAccounts {
        HelperAccounts(database: store.database, limits: limits, logger: TemporaryStore.logger)
    }

    @Test func aTokenSignsItsHelperInAndNothingElseDoes() async throws {
        try await TemporaryStore.with { store in
            let accounts = Self.accounts(store)
            let (an, anToken) = try await accounts.add(name: "An", at: at(0))
            let (_, bramToken) = try await accounts.add(name: "bram.d", at: at(0))
            #expect(anToken.hasPrefix(HelperAccounts.tokenPrefix) && anToken.count == 50)
            #expect(anToken != bramToken)
            guard case .accepted(let signedIn) = try await accounts.authenticate(token: anToken, from: "a", at: at(5))
            else {
                Issue.record("An's token was not accepted")
                return
            }
            #expect(signedIn.name == an.name && signedIn.lastSeen == at(5))
            #expect(try await accounts.authenticate(token: anToken + "x", from: "a", at: at(6)) == .refused)
            #expect(try await accounts.authenticate(token: "", from: "a", at: at(6)) == .refused)
            #expect(try await accounts.list().map(\.name) == ["An", "bram.d"])
            #expect(try await accounts.list().first?.lastSeen == at(5))
        }
    }

    @Test func onlyASaltedHashIsStored() async throws {
        try await TemporaryStore.with { store in
            let (_, token) = try await Self.accounts(store).add(name: "an", at: at(0))
            let (_, other) = try await Self.accounts(store).add(name: "cis", at: at(0))
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: store.database.path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: store.database.path + "-wal"))) ?? Data())
            for secret in [token, other] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil)
                #expect(
                    bytes.range(of: Data(secret.dropFirst(HelperAccounts.tokenPrefix.count).prefix(16).utf8)) == nil)
            }
        }
    }

    @Test func namesAreUniqueIgnoringCaseAndMustFitOnALine() async throws {
        try await TemporaryStore.with { store in
            let accounts = Self.accounts(store)
            _ = try await accounts.add(name: "An", at: at(0))
            await #expect(throws: StoreError.self) { try await accounts.add(name: "an", at: at(1)) }
            for bad in ["", "An Peeters", "an\n", String(repeating: "a", count: 33), "a;b"] {
                await #expect(throws: StoreError.self, "\(bad.debugDescription)") {
                    try await accounts.add(name: bad, at: at(1))
                }
            }
            #expect(try await accounts.list().count == 1)
        }
    }

    @Test func removingAHelperRevokesTheirTokenAtOnce() async throws {
        try await TemporaryStore.with { store in
            let accounts = Self.accounts(store)
            let (_, token) = try await accounts.add(name: "an", at: at(0))
            #expect(try await accounts.remove(name: "AN"))
            #expect(try await accounts.remove(name: "an") == false)
            #expect(try await accounts.authenticate(token: token, from: "a", at: at(1)) == .refused)
        }
    }

    @Test func failuresAreLimitedPerSourceAndForgottenAfterTheWindow() async throws {
        try await TemporaryStore.with { store in
            let limits = AttemptLimits(maximumFailures: 3, window: .seconds(60))
            let accounts = Self.accounts(store, limits: limits)
            let (_, token) = try await accounts.add(name: "an", at: at(0))
            for second in [10.0, 20, 30] {
                let guess = "wrong-\(Int(second))"
                #expect(try await accounts.authenticate(token: guess, from: "10.0.0.9", at: at(second)) == .refused)
            }
            // Even the right token is not checked while the source is limited.
            #expect(
                try await accounts.authenticate(token: token, from: "10.0.0.9", at: at(31))
                    == .limited(retryAfter: .seconds(39)))
            guard case .accepted = try await accounts.authenticate(token: token, from: "10.0.0.7", at: at(31)) else {
                Issue.record("another source was limited too")
                return
            }
            guard case .accepted = try await accounts.authenticate(token: token, from: "10.0.0.9", at: at(70.5)) else {
                Issue.record("the source was still limited after the window")
                return
            }
        }
    }

    /// Desks behind one NAT share an address: a desk looping with a removed token is limited itself, and the
    /// others still sign in (the looping desk had kept every desk of the address out).
    @Test func oneWrongTokenTriedAgainLimitsOnlyThatToken() async throws {
        try await TemporaryStore.with { store in
            let accounts = Self.accounts(store, limits: AttemptLimits(maximumFailures: 3, window: .seconds(60)))
            let (_, token) = try await accounts.add(name: "an", at: at(0))
            for second in [10.0, 11, 12] {
                #expect(try await accounts.authenticate(token: "removed", from: "nat", at: at(second)) == .refused)
            }
            #expect(
                try await accounts.authenticate(token: "removed", from: "nat", at: at(13))
                    == .limited(retryAfter: .seconds(57)))
            #expect(try await accounts.authenticate(token: "other", from: "nat", at: at(14)) == .refused)
            guard case .accepted = try await accounts.authenticate(token: token, from: "nat", at: at(15)) else {
                Issue.record("a desk with a valid token was kept out by another desk's loop")
                return
            }
        }
    }

    @Test func aSuccessClearsTheSourcesFailures() async throws {
        try await TemporaryStore.with { store in
            let accounts = Self.accounts(store, limits: AttemptLimits(maximumFailures: 2, window: .seconds(60)))
            let (_, token) = try await accounts.add(name: "an", at: at(0))
            _ = try await accounts.authenticate(token: "typo", from: "desk", at: at(1))
            _ = try await accounts.authenticate(token: token, from: "desk", at: at(2))
            #expect(try await accounts.authenticate(token: "typo", from: "desk", at: at(3)) == .refused)
            guard case .accepted = try await accounts.authenticate(token: token, from: "desk", at: at(4)) else {
                Issue.record("one failure after a success limited the source")
                return
            }
        }
    }

    @Test func theHelperCommandAddsListsAndRemoves() async throws {
        try await TemporaryStore.with { store in
            let data = ["--data-dir", store.directory.path]
            let added = try StapjeProgram.run(["helper", "add", "An"] + data)
            #expect(added.status == 0, "\(added.output)")
            let token = try #require(added.output.split(separator: "\n").last.map(String.init))
            #expect(token.hasPrefix(HelperAccounts.tokenPrefix))
            let again = try StapjeProgram.run(["helper", "add", "an"] + data)
            #expect(again.status != 0 && again.output.contains("already exists"))
            let listed = try StapjeProgram.run(["helper", "list"] + data)
            #expect(listed.status == 0 && listed.output.contains("An") && listed.output.contains("never signed in"))
            #expect(!listed.output.contains(token))
            guard
                case .accepted(let helper) = try await Self.accounts(store).authenticate(
                    token: token, from: "t", at: Date())
            else {
                Issue.record("the printed token was not accepted")
                return
            }
            #expect(helper.name == "An")
            #expect(try StapjeProgram.run(["helper", "remove", "An"] + data).status == 0)
            let missing = try StapjeProgram.run(["helper", "remove", "An"] + data)
            #expect(missing.status != 0 && missing.output.contains("no helper called An"))
            #expect(try StapjeProgram.run(["helper", "list"] + data).output.contains("No helpers yet"))
        }
    }
}
