import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The server could not open its listening socket: the port is taken, the host is not one of this machine's
/// addresses or names no machine, or the port needs privileges. Said in words an operator can act on, with the
/// system's error number kept for the exit status (`stapje serve` exits 75 when the port is in use, 69 otherwise).
public struct ListenFailure: Error, CustomStringConvertible, Sendable {
    public var host: String
    public var port: Int
    /// The system's error number, when the system gave one (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`...).
    public var errno: Int32?
    var detail: String
    /// The host is no address and names no machine.
    var unknownHost = false

    init(host: String, port: Int, underlying: any Error) {
        self.host = host
        self.port = port
        if let error = underlying as? IOError {
            errno = error.errnoCode
            detail = "\(error)"
        } else {
            errno = nil
            detail = "\(underlying)"
            if underlying is SocketAddressError.UnknownHost {
                unknownHost = true
            } else if case .unknown? = underlying as? SocketAddressError {
                unknownHost = true
            }
        }
    }

    /// Whether the port is only taken for now (another server still stopping, another program): worth a retry.
    public var portInUse: Bool { errno == EADDRINUSE }

    public var description: String {
        let place = "cannot listen on \(host):\(port)"
        switch errno {
        case EADDRINUSE:
            return "\(place): the port is in use (another stapje serve, or another program); stop it or choose "
                + "another --port"
        case EADDRNOTAVAIL:
            return "\(place): this machine has no such address; --host takes one of its own addresses, such as "
                + "127.0.0.1 (this machine only) or 0.0.0.0 (every network)"
        case EACCES:
            return "\(place): ports below 1024 need privileges; choose a port above 1023 (the default is 4242)"
        default:
            if unknownHost {
                return "\(place): no machine has that name; --host takes an address such as 127.0.0.1"
            }
            return "\(place): \(detail)"
        }
    }
}
