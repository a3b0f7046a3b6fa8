import ServiceLifecycle

extension ServiceGroup {
    /// Runs the group in the background around `body`, then shuts it down gracefully and waits for it.
    ///
    /// `finished` is called once the group has stopped, for whatever reason (so a stream of listening addresses
    /// can end and a `body` waiting on it does not wait forever). When `body` throws and the group itself failed
    /// (a port already in use, say), the group's error is thrown: it says why, where `body` only saw the result.
    nonisolated public func runAround<T: Sendable>(
        finished: @escaping @Sendable () -> Void, _ body: () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { finished() }
                try await self.run()
            }
            do {
                let result = try await body()
                await triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await triggerGracefulShutdown()
                try await tasks.waitForAll()
                throw error
            }
        }
    }
}
