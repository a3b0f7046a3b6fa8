import Foundation
import GRDB
import Logging

/// The SQLite database behind the handoff queue and the helper accounts.
///
/// One file, `stapje.sqlite`, in the data directory. WAL mode lets the desk read while the server writes, and
/// `synchronous=FULL` makes every commit reach stable storage before it returns: in WAL mode with `NORMAL`,
/// a committed transaction may roll back after a power loss, and a starter told "you are number 17" must stay
/// number 17. Open it once per process and share it; it is `Sendable`.
public struct StoreDatabase: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "stapje.sqlite"

    /// The database file.
    public let path: String

    let pool: DatabasePool

    /// Opens (and creates or migrates) the store in `directory`, creating the directory if needed.
    public static func open(directory: URL, logger: Logger) throws -> StoreDatabase {
        let manager = FileManager.default
        do {
            // The store holds transcripts and token hashes: readable by the owner only.
            try manager.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(
                "cannot create the data directory \(directory.path): \(error.localizedDescription); "
                    + "pass --data-dir with a directory you can write to")
        }
        let path = directory.appendingPathComponent(fileName).path
        var configuration = Configuration()
        configuration.label = "stapje.store"
        // Another process (`stapje helper add` beside a running server) may hold the write lock for a moment.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try migrator.migrate(pool)
        } catch {
            throw StoreError(
                "cannot open the store \(path): \(error); check the file is a Stapje store and that you may write "
                    + "to it, or pass --data-dir with another directory")
        }
        protect(directory: directory, path: path, logger: logger)
        logger.debug("store opened", metadata: ["path": "\(path)"])
        return StoreDatabase(path: path, pool: pool)
    }

    /// Makes the store readable by its owner only, also in a directory that existed before (`mkdir
    /// /var/lib/stapje` gives 0755): the directory 0700 when this user owns it, and the database and its WAL and
    /// shared-memory files 0600 (SQLite creates those two with the database file's mode). A directory owned by
    /// another user that others may read is said in the log: the files inside are private all the same.
    static func protect(directory: URL, path: String, logger: Logger) {
        let manager = FileManager.default
        let attributes = try? manager.attributesOfItem(atPath: directory.path)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0
        let owner = (attributes?[.ownerAccountID] as? NSNumber)?.uint32Value
        if mode & 0o077 != 0 {
            if owner == getuid(),
                (try? manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)) != nil
            {
                logger.notice("data directory made private (0700)", metadata: ["path": "\(directory.path)"])
            } else {
                logger.warning(
                    "the data directory can be read by other users; its files are private, but make it 0700",
                    metadata: ["path": "\(directory.path)"])
            }
        }
        for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: path + suffix) {
            try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + suffix)
        }
    }

    /// The database's settings as SQLite reports them: `journal_mode` and `synchronous` (2 is FULL).
    public func settings() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.read { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            return (mode, synchronous)
        }
    }

    /// SQLite's own consistency check: `["ok"]` when the file is sound.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The schema, one migration per change; never edit a migration that has shipped, add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tickets, turns, transitions, helpers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ticket (
                        number INTEGER PRIMARY KEY AUTOINCREMENT,
                        created REAL NOT NULL,
                        starter TEXT NOT NULL,
                        language TEXT NOT NULL,
                        region TEXT NOT NULL,
                        site TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        topic_guess TEXT,
                        state TEXT NOT NULL CHECK (state IN
                            ('queued', 'assigned', 'resolved', 'cancelled', 'abandoned', 'expired')),
                        helper TEXT,
                        epoch INTEGER NOT NULL DEFAULT 0,
                        lease_until REAL,
                        queued_since REAL NOT NULL,
                        starter_seen REAL NOT NULL,
                        closed REAL,
                        version INTEGER NOT NULL DEFAULT 1,
                        CHECK (CASE state
                            WHEN 'assigned' THEN helper IS NOT NULL AND lease_until IS NOT NULL
                            WHEN 'queued' THEN helper IS NULL AND lease_until IS NULL
                            ELSE lease_until IS NULL AND closed IS NOT NULL END)
                    );
                    CREATE INDEX ticket_open ON ticket(state) WHERE state IN ('queued', 'assigned');
                    -- At most one open ticket per conversation.
                    CREATE UNIQUE INDEX ticket_open_starter ON ticket(starter) WHERE state IN ('queued', 'assigned');
                    -- Final states are absorbing, whatever the code above does.
                    CREATE TRIGGER ticket_final_is_final BEFORE UPDATE OF state ON ticket
                    WHEN OLD.state IN ('resolved', 'cancelled', 'abandoned', 'expired') AND NEW.state <> OLD.state
                    BEGIN SELECT RAISE(ABORT, 'a closed ticket cannot change state'); END;

                    CREATE TABLE turn (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        ticket INTEGER NOT NULL REFERENCES ticket(number),
                        at REAL NOT NULL,
                        speaker TEXT NOT NULL CHECK (speaker IN ('starter', 'bot', 'helper')),
                        helper TEXT,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX turn_ticket ON turn(ticket, id);

                    CREATE TABLE transition (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        ticket INTEGER NOT NULL REFERENCES ticket(number),
                        at REAL NOT NULL,
                        from_state TEXT,
                        to_state TEXT NOT NULL,
                        cause TEXT NOT NULL,
                        helper TEXT,
                        epoch INTEGER NOT NULL
                    );
                    CREATE INDEX transition_ticket ON transition(ticket, id);

                    CREATE TABLE helper (
                        name TEXT PRIMARY KEY COLLATE NOCASE,
                        salt BLOB NOT NULL,
                        token_hash BLOB NOT NULL,
                        created REAL NOT NULL,
                        last_seen REAL
                    );
                    """)
        }
        StatisticsSchema.register(in: &migrator)
        HandoffSchema.register(in: &migrator)
        return migrator
    }
}
