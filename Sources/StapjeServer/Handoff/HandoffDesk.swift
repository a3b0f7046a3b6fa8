import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import StapjeCore
import StapjeStore

/// The server's side of the human handoff: the durable queue, the helpers' sign-in, and the events that carry
/// every change of a ticket to the connections concerned (the starter's, the holder's, the watching helpers').
///
/// Every change is first committed by the store; the desk then reads the store's transition log and turns each new
/// transition into events, so a change made by any connection, or by the sweep, is announced exactly once.
final class HandoffDesk: Sendable {
    /// A connection the desk may write events to.
    struct Link: Sendable {
        var channel: any Channel
        var format: WireFormat
        /// The helper signed in on this connection.
        var helper: String?
        /// True after `WATCH`.
        var watching = false
    }

    let queue: HandoffQueue
    let accounts: HelperAccounts
    let sessions: SessionStore
    let content: LiveContent
    let logger: Logger
    private let links = NIOLockedValueBox<[ConnectionID: Link]>([:])
    /// Open ticket → the session token of its starter (in memory: a restart forgets sessions too).
    private let starters = NIOLockedValueBox<[Int: String]>([:])
    private let lastTransition = NIOLockedValueBox<Int64>(0)

    init(
        database: StoreDatabase, timeouts: HandoffTimeouts, sessions: SessionStore, content: LiveContent,
        logger: Logger
    ) {
        self.queue = HandoffQueue(database: database, timeouts: timeouts, logger: logger)
        self.accounts = HelperAccounts(database: database, logger: logger)
        self.sessions = sessions
        self.content = content
        self.logger = logger
    }

    // MARK: - Connections

    func connect(_ id: ConnectionID, channel: any Channel) {
        links.withLockedValue { $0[id] = Link(channel: channel, format: .text) }
    }

    func disconnect(_ id: ConnectionID) {
        _ = links.withLockedValue { $0.removeValue(forKey: id) }
    }

    func setFormat(_ format: WireFormat, for id: ConnectionID) {
        links.withLockedValue { $0[id]?.format = format }
    }

    func signIn(_ helper: String, on id: ConnectionID) {
        links.withLockedValue { $0[id]?.helper = helper }
    }

    /// No helper any more on connection `id`: it gets no helper's events.
    func signOut(on id: ConnectionID) {
        links.withLockedValue {
            $0[id]?.helper = nil
            $0[id]?.watching = false
        }
    }

    func watch(on id: ConnectionID) {
        links.withLockedValue { $0[id]?.watching = true }
    }

    func link(_ token: String, to ticket: Int) {
        starters.withLockedValue { $0[ticket] = token }
    }

    func unlink(_ ticket: Int) {
        _ = starters.withLockedValue { $0.removeValue(forKey: ticket) }
    }

    /// Writes `events` to connection `id`, in its format, outside any reply (each buffer is written whole).
    func send(_ events: [WireEvent], to id: ConnectionID) {
        guard !events.isEmpty, let link = links.withLockedValue({ $0[id] }) else { return }
        var bytes = ByteBuffer()
        let encoder = WireEncoder(format: link.format)
        for event in events { encoder.encode(event, into: &bytes) }
        link.channel.writeAndFlush(bytes, promise: nil)
    }

    /// Numbers `events` in the starter's session of `ticket` and writes them to its connection, if it is open;
    /// returns them instead when that connection is `caller` (they then follow the caller's reply).
    func tellStarter(
        of ticket: Int, caller: ConnectionID? = nil, _ events: [WireEvent],
        change: (inout SessionStore.Entry) -> Void = { _ in }
    ) -> [WireEvent] {
        guard let token = starters.withLockedValue({ $0[ticket] }),
            let (numbered, entry) = sessions.record(token, events: events, change: change),
            let owner = entry.owner
        else { return [] }
        if owner == caller { return numbered }
        send(numbered, to: owner)
        return []
    }

    /// Connections of helpers, signed in as `helper` or watching.
    func helperConnections(watching: Bool, named helper: String?) -> [ConnectionID] {
        links.withLockedValue { links in
            links.compactMap { id, link in
                guard link.helper != nil else { return nil }
                if watching && link.watching { return id }
                if let helper, link.helper == helper { return id }
                return nil
            }
        }
    }

    // MARK: - The sweep and the transition log

    /// Skips the transitions already in the store (they were announced before a restart), then expires what ran
    /// out while the server was down.
    func start() async {
        do {
            var last: Int64 = 0
            while true {
                let page = try await queue.transitions(after: last)
                guard let newest = page.last?.id else { break }
                last = newest
            }
            lastTransition.withLockedValue { $0 = last }
        } catch {
            logger.error("handoff store: cannot read the transition log", metadata: ["error": "\(error)"])
        }
        await sweep()
    }

    /// Applies the timeouts, keeps the tickets of present starters alive, and announces what changed.
    func sweep() async {
        let now = Date()
        for ticket in sessions.attachedTickets() {
            _ = try? await queue.starterSeen(ticket, at: now)
        }
        do {
            _ = try await queue.expire(at: now)
        } catch {
            logStoreError("handoff store: expire failed", error)
        }
        _ = await announce()
    }

    /// Turns every transition not yet announced into events and writes them; the events for `caller` are returned
    /// instead, for the caller to write right after its reply.
    @discardableResult
    func announce(caller: ConnectionID? = nil) async -> [WireEvent] {
        var forCaller: [WireEvent] = []
        do {
            let after = lastTransition.withLockedValue { $0 }
            let fresh = try await queue.transitions(after: after)
            let unseen = lastTransition.withLockedValue { last -> [Transition] in
                let unseen = fresh.filter { $0.id > last }
                if let newest = unseen.map(\.id).max() { last = newest }
                return unseen
            }
            for transition in unseen { forCaller += await dispatch(transition, caller: caller) }
        } catch {
            logStoreError("handoff store: cannot read the transition log", error)
        }
        return forCaller
    }

    /// Logs a failure of the store as a warning, or at debug level when it is the cancellation of a task at
    /// shutdown (the store refuses work from a cancelled task; that is no problem of the store).
    func logStoreError(_ message: Logger.Message, _ error: any Error) {
        if error is CancellationError {
            logger.debug(message, metadata: ["error": "\(error)"])
        } else {
            logger.warning(message, metadata: ["error": "\(error)"])
        }
    }

    func dispatch(_ transition: Transition, caller: ConnectionID?) async -> [WireEvent] {
        var forCaller: [WireEvent] = []
        let ticket = try? await queue.ticket(transition.ticket)
        var parameters: [Response.Parameter] = [
            .init("ticket", transition.ticket), .init("state", transition.to.rawValue),
            .init("cause", transition.cause.rawValue),
        ]
        if let helper = transition.helper { parameters.append(.init("helper", helper)) }
        if let ticket {
            parameters += [
                .init("lang", ticket.language), .init("region", ticket.region),
                .init("topic", ticket.topicGuess ?? "none"),
            ]
        }
        let event = WireEvent(
            code: 601, keyword: "TICKET", sequence: Int(transition.id), parameters: parameters)
        let holder = transition.helper ?? ticket?.helper
        for id in Set(helperConnections(watching: true, named: holder)) {
            if id != caller {
                send([event], to: id)
            } else if links.withLockedValue({ $0[id]?.watching == true }) {
                forCaller.append(event)  // a holder who is not watching learns of its own action from the reply
            }
        }

        let number = transition.ticket
        switch transition.cause {
        case .taken:
            forCaller += tellStarter(
                of: number, caller: caller,
                [
                    WireEvent(
                        code: 610, keyword: "HELPER-JOINED", sequence: 0,
                        parameters: [.init("ticket", number), .init("helper", transition.helper ?? "helper")])
                ])
        case .released, .leaseExpired:
            let ahead = (try? await queue.ahead(of: number)) ?? 0
            forCaller += tellStarter(
                of: number, caller: caller,
                [
                    WireEvent(
                        code: 613, keyword: "HANDOFF-QUEUED", sequence: 0,
                        parameters: [.init("ticket", number), .init("ahead", ahead)])
                ])
        case .resolved, .starterGone, .waitedTooLong:
            let language = starters.withLockedValue { $0[number] }.flatMap { sessions.peek($0)?.session.language }
            let words = content.conversation.content.words(language ?? .nl)
            var ended = WireEvent(
                code: 612, keyword: "HANDOFF-ENDED", sequence: 0,
                parameters: [.init("state", transition.to.rawValue), .init("ticket", number)])
            if transition.cause == .resolved { ended.message = words.text("thanks") }
            forCaller += tellStarter(of: number, caller: caller, [ended]) { entry in
                entry.ticket = nil
                entry.session.handoff = .none
            }
            unlink(number)
        case .enqueued, .cancelled:
            break  // the starter caused it and heard it in the reply
        }
        return forCaller
    }
}
