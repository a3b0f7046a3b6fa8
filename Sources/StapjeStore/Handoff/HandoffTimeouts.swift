import Foundation

/// How long a ticket may wait, and how long the queue trusts a silent starter or helper.
///
/// The defaults and the reasons for them are in docs/HANDOFF.md.
public struct HandoffTimeouts: Sendable, Hashable {
    /// A queued ticket nobody takes within this time expires, and the starter hears the alternatives.
    public var maximumWait: Duration = .seconds(600)
    /// A starter with no sign of life for this long has left: their open ticket is abandoned.
    public var starterGone: Duration = .seconds(120)
    /// A taken ticket goes back to the queue when its helper shows no activity for this long.
    public var helperLease: Duration = .seconds(60)

    /// The defaults.
    public init() {}

    /// Timeouts with the given values.
    public init(maximumWait: Duration, starterGone: Duration, helperLease: Duration) {
        self.maximumWait = maximumWait
        self.starterGone = starterGone
        self.helperLease = helperLease
    }
}
