import Crypto
import Foundation
import GRDB
import Logging

/// A person who may sign in to the desk and take tickets.
public struct Helper: Sendable, Hashable {
    /// The name the starter and the other helpers see.
    public var name: String
    /// When the account was made.
    public var created: Date
    /// The last successful sign-in.
    public var lastSeen: Date?
}

/// The outcome of a sign-in attempt.
public enum Authentication: Sendable, Hashable {
    /// The token belongs to this helper.
    case accepted(Helper)
    /// No helper has this token.
    case refused
    /// Too many failures from this source with different tokens, or with this same token: try again after this
    /// long (the token was not even checked).
    case limited(retryAfter: Duration)
}

/// The helper accounts: tokens are random, shown once and stored only as salted SHA-256 hashes.
///
/// A token carries 256 random bits, so a single salted SHA-256 is enough to make a stolen database useless: key
/// stretching (PBKDF2, scrypt) exists to slow down guessing low-entropy passwords, and there is nothing to guess
/// here. Failed attempts are limited per source (see `AttemptLimits`).
public struct HelperAccounts: Sendable {
    /// What every token starts with, so a leaked one is easy to recognise (and to scan for).
    public static let tokenPrefix = "stapje_"

    let database: StoreDatabase
    let limiter: AttemptLimiter
    let logger: Logger

    /// The accounts in `database`.
    public init(database: StoreDatabase, limits: AttemptLimits = .init(), logger: Logger) {
        self.database = database
        self.limiter = AttemptLimiter(limits: limits)
        self.logger = logger
    }

    /// Creates a helper and returns their token, which is stored nowhere: show it once.
    public func add(name: String, at now: Date) async throws -> (helper: Helper, token: String) {
        try Self.validate(name)
        let token = Self.tokenPrefix + Self.base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let hash = Self.hash(token, salt: salt)
        try await database.pool.write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT name FROM helper WHERE name = ?", arguments: [name])
            {
                throw StoreError(
                    "a helper called \(existing) already exists; remove it first (`stapje helper remove \(existing)`) "
                        + "to give them a new token")
            }
            try db.execute(
                sql: "INSERT INTO helper (name, salt, token_hash, created) VALUES (?, ?, ?, ?)",
                arguments: [name, salt, hash, now.timeIntervalSince1970])
        }
        logger.notice("helper added", metadata: ["helper": "\(name)"])
        return (Helper(name: name, created: now, lastSeen: nil), token)
    }

    /// Every helper, by name.
    public func list() async throws -> [Helper] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, created, last_seen FROM helper ORDER BY name").map(Self.helper)
        }
    }

    /// Removes a helper; their token stops working at once. Returns false when there was no such helper.
    @discardableResult
    public func remove(name: String) async throws -> Bool {
        let removed = try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM helper WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
        if removed { logger.notice("helper removed", metadata: ["helper": "\(name)"]) }
        return removed
    }

    /// Whether `name` is still a helper (a desk signed in before `remove` loses its rights at its next command).
    public func exists(name: String) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM helper WHERE name = ?)", arguments: [name]) ?? false
        }
    }

    /// Checks a token presented by `source` (a client address, say); limited after repeated failures.
    public func authenticate(token: String, from source: String, at now: Date) async throws -> Authentication {
        if let wait = limiter.wait(for: source, token: token, at: now) {
            logger.warning("sign-in refused: too many failures", metadata: ["source": "\(source)"])
            return .limited(retryAfter: wait)
        }
        let found = try await database.pool.write { db -> Helper? in
            // Every row is hashed and compared in full, so the time taken says nothing about which row matched.
            var match: Row?
            for row in try Row.fetchAll(db, sql: "SELECT name, salt, token_hash, created, last_seen FROM helper") {
                if Self.equal(Self.hash(token, salt: row["salt"]), row["token_hash"]) { match = row }
            }
            guard let match else { return nil }
            let name: String = match["name"]
            try db.execute(
                sql: "UPDATE helper SET last_seen = ? WHERE name = ?", arguments: [now.timeIntervalSince1970, name])
            var helper = try Self.helper(match)
            helper.lastSeen = now
            return helper
        }
        guard let found else {
            limiter.failed(source, token: token, at: now)
            logger.warning("sign-in refused: unknown token", metadata: ["source": "\(source)"])
            return .refused
        }
        limiter.succeeded(source)
        logger.info("helper signed in", metadata: ["helper": "\(found.name)"])
        return .accepted(found)
    }

    /// A name fits on a protocol line and reads well: 1 to 32 letters, digits, `.`, `_` or `-`.
    static func validate(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard !name.isEmpty, name.count <= 32, allowed else {
            throw StoreError(
                "'\(name)' is not a usable helper name: use 1 to 32 letters, digits, '.', '_' or '-' (no spaces)")
        }
    }

    static func helper(_ row: Row) throws -> Helper {
        Helper(
            name: row["name"], created: Date(timeIntervalSince1970: row["created"]),
            lastSeen: (row["last_seen"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func hash(_ token: String, salt: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Data(token.utf8))
        return Data(hasher.finalize())
    }

    /// Compares in constant time for equal lengths.
    static func equal(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
