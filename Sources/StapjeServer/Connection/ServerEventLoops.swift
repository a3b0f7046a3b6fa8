import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The server's own event loops, each with a Swift task executor, and the time each last looked at its sockets.
///
/// A connection's tasks run on its channel's loop: a line is read, answered and its reply written on one thread.
/// Without that, every line hopped from the loop to Swift's global pool to be answered and back to be written,
/// waking a thread each way.
final class ServerEventLoops: Sendable {
    /// The loops.
    let group: MultiThreadedEventLoopGroup
    /// When each loop last looked at its sockets.
    let polls: LoopPolls
    private let executors: [EventLoopTaskExecutor]

    /// Starts `threads` loops. They run until `shutdown()`.
    init(threads: Int) {
        let polls = LoopPolls()
        self.polls = polls
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads, metricsDelegate: polls)
        // Made once, and kept here for as long as the server's tasks may run on them.
        self.executors = group.makeIterator().map { EventLoopTaskExecutor($0) }
    }

    /// The executor that runs tasks on `eventLoop`, one of these loops.
    func executor(for eventLoop: any EventLoop) -> EventLoopTaskExecutor? {
        executors.first { $0.eventLoop === eventLoop }
    }

    /// Stops the loops, once every channel on them is closed.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// Runs Swift tasks as jobs of one event loop.
final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// When each event loop last looked at its sockets, known on the loop's own thread.
///
/// A loop reads its sockets only between two rounds of tasks, and a round lasts until no task is ready: a loop
/// answering pipelined lines can stay away from its sockets for as long as the answers take. A timer that fires
/// meanwhile must not take a line still waiting in a socket for silence. A round of tasks ends just before the loop
/// looks again, so the end of the last round the loop reported is a time it has looked at its sockets since.
final class LoopPolls: NIOEventLoopMetricsDelegate {
    private final class Mark: Sendable {
        let roundEnded: NIOLockedValueBox<NIODeadline>

        init(_ time: NIODeadline) {
            self.roundEnded = NIOLockedValueBox(time)
        }
    }

    private let marks = ThreadSpecificVariable<Mark>()

    func processedTick(info: NIOEventLoopTickInfo) {
        if let mark = marks.currentValue {
            mark.roundEnded.withLockedValue { $0 = info.endTime }
        } else {
            marks.currentValue = Mark(info.endTime)
        }
    }

    /// Whether the event loop running the caller has looked at its sockets since `time`; nil when the caller does not
    /// run on one of the loops this watches.
    func haveLooked(since time: NIODeadline) -> Bool? {
        marks.currentValue.map { mark in mark.roundEnded.withLockedValue { $0 >= time } }
    }
}
