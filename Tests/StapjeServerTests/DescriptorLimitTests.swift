import StapjeServer
import Testing

struct DescriptorLimitTests {
    @Test(
        arguments: [
            // soft, hard, connections -> the soft limit asked for
            (1024, 4096, 256, 1024),  // enough already: unchanged
            (100, 4096, 500, 564),  // raised to what is needed
            (100, 300, 500, 300),  // as far as the hard limit goes
            (5000, 8000, 10, 5000),  // never lowered
        ] as [(UInt64, UInt64, Int, UInt64)])
    func theSoftLimitIsRaisedAsFarAsNeededAndAllowed(soft: UInt64, hard: UInt64, connections: Int, expected: UInt64) {
        #expect(DescriptorLimit(soft: soft, hard: hard).raisedSoftLimit(for: connections) == expected)
    }

    @Test func theConnectionsALimitAllowsLeaveTheReserve() {
        #expect(DescriptorLimit(soft: 1024, hard: 1024).connections == 1024 - DescriptorLimit.reserve)
        #expect(DescriptorLimit(soft: 10, hard: 1024).connections == 0)
        #expect(DescriptorLimit.needed(for: 256) == 256 + UInt64(DescriptorLimit.reserve))
    }

    @Test func raisingForFewConnectionsChangesNothing() throws {
        let before = try #require(DescriptorLimit.current())
        let after = try #require(DescriptorLimit.raise(for: 1))
        #expect(after.soft >= before.soft)
        #expect(try #require(DescriptorLimit.current()) == after)
    }
}
