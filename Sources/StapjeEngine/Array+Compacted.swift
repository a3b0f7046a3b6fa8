extension Array {
    /// A copy in a buffer of just its size: an array grown by appending keeps up to twice the room it needs, and
    /// the compiled tables are kept for the life of the process.
    func compacted() -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: self)
        }
    }
}
