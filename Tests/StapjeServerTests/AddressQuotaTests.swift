import Testing

@testable import StapjeServer

/// One client address may start so many conversations a minute and ask for a person so often in ten: a program
/// looping on NEW or HUMAN had filled the session table and the helpers' queue for everyone.
struct AddressQuotaTests {
    let quotas = AddressQuotas(
        sessions: .init(limit: 3, window: .seconds(60)), handoffs: .init(limit: 2, window: .seconds(600)))

    @Test func anAddressGetsItsQuotaThenWaitsForTheWindow() {
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(quotas.takeSession(from: "192.0.2.7", at: start)) }
        #expect(!quotas.takeSession(from: "192.0.2.7", at: start + .seconds(1)))
        // Another address has its own quota, and the requests for a person are counted apart.
        #expect(quotas.takeSession(from: "192.0.2.8", at: start))
        #expect(quotas.takeHandoff(from: "192.0.2.7", at: start))
        #expect(quotas.takeHandoff(from: "192.0.2.7", at: start))
        #expect(!quotas.takeHandoff(from: "192.0.2.7", at: start + .seconds(599)))
        // Once the window has passed, the address may again.
        #expect(quotas.takeSession(from: "192.0.2.7", at: start + .seconds(61)))
        #expect(quotas.takeHandoff(from: "192.0.2.7", at: start + .seconds(601)))
    }

    /// A service on the server's own machine speaks for many people: no quota.
    @Test func loopbackClientsHaveNoQuota() {
        let start = ContinuousClock.now
        for address in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            for _ in 0..<10 { #expect(quotas.takeSession(from: address, at: start)) }
            for _ in 0..<10 { #expect(quotas.takeHandoff(from: address, at: start)) }
        }
    }
}
