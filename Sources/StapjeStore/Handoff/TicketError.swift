/// A ticket operation the queue refused, with a message a helper or the server can show as it is.
public struct TicketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the operation was refused.
    public enum Reason: Sendable, Hashable {
        /// There is no ticket with that number.
        case notFound
        /// Another helper holds it.
        case taken(by: String)
        /// It is closed, in this final state.
        case closed(Ticket.State)
        /// Nobody holds it (it is queued); take it first.
        case notAssigned
        /// The assignment is not the current one: the lease ran out, or someone else took it since.
        case staleAssignment
        /// It changed while the operation ran; try again.
        case conflict
    }

    /// The ticket number.
    public let ticket: Int
    /// Why.
    public let reason: Reason

    /// A refusal for `ticket`.
    public init(_ ticket: Int, _ reason: Reason) {
        self.ticket = ticket
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .notFound: "there is no ticket \(ticket); see the queue for open tickets"
        case .taken(let helper): "ticket \(ticket) is taken by \(helper); choose another one from the queue"
        case .closed(let state): "ticket \(ticket) is closed (\(state.rawValue)); nothing more can change it"
        case .notAssigned: "ticket \(ticket) is waiting in the queue; take it first"
        case .staleAssignment:
            "you no longer hold ticket \(ticket) (your lease ran out or it was given back); take it again if it is "
                + "still queued"
        case .conflict: "ticket \(ticket) changed at the same moment; try again"
        }
    }
}
