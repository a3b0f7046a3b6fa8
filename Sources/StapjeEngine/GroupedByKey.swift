/// Values grouped by a small integer key, each key's values in the order given (a counting sort): all values one
/// after the other, and where each key's values start, with one more entry for the end. Key `k` has
/// `values[starts[k]..<starts[k + 1]]`. The indexes keep such flat lists: reading them touches no reference counts.
///
/// `entries` is read twice (to count, then to place), so it must be a collection, or a lazy view of one.
func groupedByKey<Value>(
    _ entries: some Collection<(key: Int32, value: Value)>, keyCount: Int
) -> (values: [Value], starts: [Int32]) {
    var starts = [Int32](repeating: 0, count: keyCount + 1)
    for (key, _) in entries { starts[Int(key) + 1] += 1 }
    for key in 0..<keyCount { starts[key + 1] += starts[key] }
    var next = starts
    let values = [Value](unsafeUninitializedCapacity: Int(starts[keyCount])) { buffer, initialized in
        for (key, value) in entries {
            (buffer.baseAddress! + Int(next[Int(key)])).initialize(to: value)
            next[Int(key)] += 1
        }
        initialized = Int(starts[keyCount])
    }
    return (values, starts)
}
