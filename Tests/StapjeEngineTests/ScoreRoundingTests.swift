import StapjeText
import Testing

@testable import StapjeEngine

/// Scores are rounded to millionths without the C library's `round`: the same value for every positive total,
/// halves included.
@Test func roundingToMillionthsEqualsTheStandardLibrary() {
    var generator = SeededGenerator(seed: 3)
    var values = (0..<20_000).map { _ in Double.random(in: 0.02..<60, using: &generator) }
    values += (1..<2_000).map { Double($0) / 1e6 + 0.5e-6 } + [0.0200005, 1.0000005, 12.3456785, 59.9999995]
    for value in values {
        #expect(LanguageModel.roundedToMillionths(value) == (value * 1e6).rounded() / 1e6, "\(value)")
    }
}
