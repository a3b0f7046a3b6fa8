import Crypto
import Foundation
import GRDB

/// The handoff queue's migrations after the first schema (`v1` in `StoreDatabase`).
enum HandoffSchema {
    /// Adds the handoff migrations after the ones already registered.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("handoff-2: resume keys") { db in
            // A keyed hash of the starter's resume token, so a starter who reconnects after a restart finds their
            // open ticket again; the key is random per store and never leaves it, the token is never stored.
            try db.execute(
                sql: """
                    ALTER TABLE ticket ADD COLUMN resume_key BLOB;
                    CREATE INDEX ticket_open_resume ON ticket(resume_key) WHERE state IN ('queued', 'assigned');
                    CREATE TABLE store_secret (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                    """)
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try db.execute(
                sql: "INSERT INTO store_secret (name, value) VALUES ('resume-key', ?)", arguments: [key])
        }
    }

    /// HMAC-SHA256 of `token` under the store's resume key.
    static func resumeKey(_ db: Database, token: String) throws -> Data {
        guard let secret = try Data.fetchOne(db, sql: "SELECT value FROM store_secret WHERE name = 'resume-key'")
        else { throw StoreError("the store has no resume key; it was not migrated: open it with this Stapje") }
        let code = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: SymmetricKey(data: secret))
        return Data(code)
    }
}
