extension RandomNumberGenerator {
    /// Between `count.lowerBound` and `count.upperBound` elements drawn from `alphabet` (with repeats): the raw
    /// material of property tests that compare a fast path with the general one on many random texts.
    public mutating func draw<Element>(_ count: ClosedRange<Int>, from alphabet: [Element]) -> [Element] {
        (0..<Int.random(in: count, using: &self)).map { _ in alphabet.randomElement(using: &self)! }
    }
}
