import StapjeText

/// A finding in scan positions, before it is mapped back to the original text.
struct Match {
    var kind: SensitiveData.Kind
    /// The value.
    var range: Range<Int>
    /// The value with its announcing words.
    var phrase: Range<Int>
    var checksum: SensitiveData.Checksum = .none
    var language: Language? = nil

    init(
        _ kind: SensitiveData.Kind, _ range: Range<Int>, phrase: Range<Int>? = nil,
        checksum: SensitiveData.Checksum = .none, language: Language? = nil
    ) {
        self.kind = kind
        self.range = range
        self.phrase = phrase ?? range
        self.checksum = checksum
        self.language = language
    }
}

/// Which scan positions a detector has already taken, so the next one leaves them alone.
struct Claims {
    private var taken: [Bool]

    init(count: Int) {
        taken = Array(repeating: false, count: count)
    }

    /// Whether any position in `range` is taken.
    func overlaps(_ range: Range<Int>) -> Bool {
        range.contains { taken[$0] }
    }

    /// Whether the position is taken (false outside the text).
    func isTaken(_ index: Int) -> Bool {
        index >= 0 && index < taken.count && taken[index]
    }

    mutating func take(_ range: Range<Int>) {
        for index in range { taken[index] = true }
    }
}
