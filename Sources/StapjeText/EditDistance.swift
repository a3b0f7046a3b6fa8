/// Bounded Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours).
public enum EditDistance {
    /// The distance between `a` and `b`, or nil when it is larger than `bound`.
    ///
    /// Works on Unicode scalars and stops as soon as every cell of a row exceeds `bound`, so comparing two
    /// long, different words costs little.
    public static func distance(_ a: String, _ b: String, bound: Int) -> Int? {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > bound { return nil }
        if x.isEmpty { return y.count <= bound ? y.count : nil }
        if y.isEmpty { return x.count <= bound ? x.count : nil }
        let width = y.count + 1
        var previous2 = [Int](repeating: 0, count: width)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...x.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > bound { return nil }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        let result = previous[y.count]
        return result <= bound ? result : nil
    }
}
