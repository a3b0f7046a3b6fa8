import Dispatch
import StapjeKnowledge

/// Hands memory freed by compiling back to the system.
enum FreeMemory {
    /// Frees what `garbage` holds and then returns the unused pages, on a background thread. The caller must hold
    /// no other reference to those values, or they are freed wherever that reference goes.
    static func release(_ garbage: Garbage) {
        DispatchQueue.global(qos: .utility).async {
            garbage.drop()
            release()
        }
    }

    /// Ends the loading tuning of the allocator (`LoadingHeap`, begun by `ContentLoader.load`) and returns the
    /// unused pages of every malloc arena to the system (Linux); does nothing elsewhere.
    ///
    /// Loading and compiling free several megabytes of temporaries (YAML trees, token lists, sort buffers) spread
    /// between the long-lived strings and tables, in the arenas of the threads that did the work. glibc keeps those
    /// pages resident until asked; asking once after compiling lowers a server's resident memory by 3-4 MB.
    static func release() {
        LoadingHeap.end()
    }
}

/// Values to be freed later on another thread (`FreeMemory.release(_:)`).
final class Garbage: @unchecked Sendable {
    // Unchecked: `value` is set once here and cleared once by `drop()`, on the thread `FreeMemory` hands it to.
    private var value: (any Sendable)?

    init(_ value: any Sendable) { self.value = value }

    func drop() { value = nil }
}
