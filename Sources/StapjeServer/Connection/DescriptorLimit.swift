#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open files, held against `--max-connections`.
///
/// Each connection is a file descriptor, and the server needs some besides (the listener, the event loops' own, the
/// store's files). Past the limit the kernel refuses to hand over a new connection: it waits unanswered in the
/// listen queue, and the client sees neither a banner nor a refusal. So at start the soft limit is raised as far
/// as the hard limit allows (as nginx's `worker_rlimit_nofile` or Go's runtime do), and when even the hard limit is
/// too low the log says so, with how to raise it.
public struct DescriptorLimit: Equatable, Sendable {
    /// Descriptors the server keeps besides its connections.
    public static let reserve = 64

    public var soft: UInt64
    public var hard: UInt64

    public init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }

    /// Descriptors needed for `connections` connections at once.
    public static func needed(for connections: Int) -> UInt64 {
        UInt64(max(connections, 0)) + UInt64(reserve)
    }

    /// The soft limit to ask for: enough for `connections`, at most the hard limit, never lower than now.
    public func raisedSoftLimit(for connections: Int) -> UInt64 {
        max(soft, min(hard, Self.needed(for: connections)))
    }

    /// The connections this limit allows at once.
    public var connections: Int {
        soft > UInt64(Self.reserve) ? Int(clamping: soft - UInt64(Self.reserve)) : 0
    }

    /// The limit now, or nil when it cannot be read.
    public static func current() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return nil }
        return DescriptorLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit for `connections` when it is lower (as far as the hard limit allows); returns the limit
    /// in force afterwards.
    @discardableResult
    public static func raise(for connections: Int) -> DescriptorLimit? {
        guard var limit = current() else { return nil }
        let wanted = limit.raisedSoftLimit(for: connections)
        if wanted > limit.soft {
            var raised = rlimit(rlim_cur: rlim_t(wanted), rlim_max: rlim_t(limit.hard))
            if setrlimit(Self.resource, &raised) == 0 { limit.soft = wanted }
        }
        return limit
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
