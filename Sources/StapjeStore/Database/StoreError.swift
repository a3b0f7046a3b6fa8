/// The store could not be opened or written; the message says what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public let message: String

    /// An error with an actionable message.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
