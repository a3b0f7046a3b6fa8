#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system and process calls content loading needs, made on the C library so the core does not load
/// Foundation (about 11 MB of a process's resident memory).
@usableFromInline
package enum FileSystem {
    /// Why a file or directory could not be read.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The path as it was given.
        package var path: String
        /// The system's reason (`strerror`).
        package var reason: String

        init(_ path: String) {
            self.path = path
            reason = String(cString: strerror(errno))
        }

        package var description: String { "cannot read \(path): \(reason)" }
    }

    /// Whether `path` names something that exists (following symbolic links).
    package static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Whether `path` names a directory (following symbolic links).
    package static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The bytes of the file at `path`.
    package static func contents(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(path) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: max(Int(status.st_size) + 1, 4096))
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path)
            }
            bytes += chunk[..<count]
        }
    }

    /// The names in the directory at `path` (without `.` and `..`), in the order the system gives them.
    package static func entries(_ path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else { throw Failure(path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The working directory, or nil when it cannot be found (removed, say).
    package static var currentDirectory: String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return String(cString: path)
    }

    /// The process's environment variables (`environ`); the first of two equal names wins, as `getenv` reads it.
    @usableFromInline
    package static var environment: [String: String] {
        var variables: [String: String] = [:]
        #if canImport(Darwin)
            var cursor = _NSGetEnviron().pointee!
        #else
            var cursor = environ
        #endif
        while let entry = cursor.pointee {
            let pair = String(cString: entry)
            if let equals = pair.firstIndex(of: "=") {
                let name = String(pair[..<equals])
                if variables[name] == nil { variables[name] = String(pair[pair.index(after: equals)...]) }
            }
            cursor += 1
        }
        return variables
    }
}
