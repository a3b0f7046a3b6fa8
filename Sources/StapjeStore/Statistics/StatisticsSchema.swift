import GRDB

/// The tables of the anonymous statistics and of the unanswered questions (docs/PRIVACY.md, "What is kept").
///
/// None has a session id, an address or a ticket number; the only text is a redacted, normalised question.
enum StatisticsSchema {
    /// Adds the statistics migrations after the ones already registered.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("insights-1: counters, handoff outcomes, unanswered questions") { db in
            try db.execute(
                sql: """
                    -- One row per day, site, language, topic ('-' for none) and kind; kinds in Statistics.Kind.
                    CREATE TABLE insights_counter (
                        day TEXT NOT NULL,
                        site TEXT NOT NULL,
                        language TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (day, site, language, topic, kind)
                    ) WITHOUT ROWID;

                    -- Closed handoff tickets folded into counters: how they ended and how long people waited.
                    CREATE TABLE insights_handoff (
                        day TEXT NOT NULL,
                        site TEXT NOT NULL,
                        language TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('resolved', 'cancelled', 'abandoned', 'expired')),
                        count INTEGER NOT NULL,
                        taken INTEGER NOT NULL,
                        wait_seconds REAL NOT NULL,
                        wait_max REAL NOT NULL,
                        wait_under_1 INTEGER NOT NULL,
                        wait_1_to_3 INTEGER NOT NULL,
                        wait_3_to_5 INTEGER NOT NULL,
                        wait_5_to_10 INTEGER NOT NULL,
                        wait_over_10 INTEGER NOT NULL,
                        PRIMARY KEY (day, site, language, topic, outcome)
                    ) WITHOUT ROWID;

                    -- Fallbacks and clarifications for curators: redacted, normalised, one row per day and text.
                    CREATE TABLE insights_unanswered (
                        day TEXT NOT NULL,
                        site TEXT NOT NULL,
                        language TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('fallback', 'clarify')),
                        text TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        first_seen REAL NOT NULL,
                        last_seen REAL NOT NULL,
                        alternatives TEXT NOT NULL,
                        PRIMARY KEY (day, site, language, kind, text)
                    ) WITHOUT ROWID;

                    -- Bookkeeping: the last handoff transition folded into counters, the last purge.
                    CREATE TABLE insights_state (
                        key TEXT PRIMARY KEY,
                        value REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
    }
}
