#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lock with a condition to wait on (a POSIX mutex and condition variable), for threads that wait for work
/// another thread is doing; the core's replacement for Foundation's `NSCondition`.
package final class ThreadCondition: @unchecked Sendable {
    // Unchecked: the class is the lock; its two pointers never change and are used only through pthread calls.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// Creates an unlocked lock.
    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the lock, waiting for it if another thread holds it.
    package func lock() {
        pthread_mutex_lock(mutex)
    }

    /// Gives the lock back.
    package func unlock() {
        pthread_mutex_unlock(mutex)
    }

    /// Gives the lock back until another thread calls `broadcast`, then takes it again (the lock must be held).
    /// It may also return without a broadcast, so check what you wait for in a loop.
    package func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Wakes every thread waiting in `wait` (call it holding the lock).
    package func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
