import Foundation
import StapjeStore
import Testing

struct StoreDatabaseTests {
    @Test func theDatabaseIsInWALModeWithFullSync() async throws {
        try await TemporaryStore.with { store in
            let settings = try await store.database.settings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2)
            #expect(store.database.path.hasSuffix("/stapje.sqlite"))
            let reopened = try await store.reopen().settings()
            #expect(reopened.journalMode == "wal" && reopened.synchronous == 2)
        }
    }

    @Test func theDataDirectoryIsPrivate() async throws {
        try await TemporaryStore.with { store in
            let attributes = try FileManager.default.attributesOfItem(atPath: store.directory.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        }
    }

    /// A data directory made beforehand with the usual 0755 (`mkdir /var/lib/stapje`) is made private, and so are
    /// the database and its WAL and shared-memory files (SQLite had created them 0644: any local user could read
    /// the transcripts).
    @Test func aDirectoryMadeBeforehandAndTheFilesInItBecomePrivate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "stapje-perm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let database = try StoreDatabase.open(directory: directory, logger: TemporaryStore.logger)
        _ = try await database.integrityCheck()
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        #expect(try mode(directory.path) == 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database.path + suffix) {
            #expect(try mode(database.path + suffix) == 0o600, "\(suffix)")
        }
        #expect(try mode(database.path) == 0o600)
    }

    @Test func anUnwritableDirectoryGivesAnActionableError() throws {
        let error = #expect(throws: StoreError.self) {
            try StoreDatabase.open(
                directory: URL(fileURLWithPath: "/proc/stapje-cannot-be-here"), logger: TemporaryStore.logger)
        }
        #expect(error?.message.contains("--data-dir") == true)
    }

    @Test func aFileThatIsNotAStoreIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-bad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("this is not SQLite, just a text file that happens to sit here".utf8)
            .write(to: directory.appendingPathComponent(StoreDatabase.fileName))
        let error = #expect(throws: StoreError.self) {
            try StoreDatabase.open(directory: directory, logger: TemporaryStore.logger)
        }
        #expect(error?.message.contains("stapje.sqlite") == true)
    }

    @Test(
        arguments: [
            (nil, ["XDG_STATE_HOME": "/x/state", "HOME": "/home/an"], "/x/state/stapje"),
            (nil, ["HOME": "/home/an"], "/home/an/.local/state/stapje"),
            (nil, ["XDG_STATE_HOME": "relative", "HOME": "/home/an"], "/home/an/.local/state/stapje"),
            ("/srv/stapje", ["XDG_STATE_HOME": "/x/state"], "/srv/stapje"),
        ] as [(String?, [String: String], String)])
    func theDataDirectoryFollowsXDG(explicit: String?, environment: [String: String], expected: String) {
        #expect(DataDirectory.resolve(explicit, environment: environment).path == expected)
    }

    @Test(arguments: [
        ("mijn gsm is 0471 23 45 67", "mijn gsm is [NUMBER]"),
        ("bel +32 471 23 45 67 of 02 123 45 67", "bel [NUMBER] of [NUMBER]"),
        ("rijksregisternummer 85.07.30-033.28", "rijksregisternummer [NUMBER]"),
        ("IBAN BE48 3200 7018 4927 graag", "IBAN [NUMBER] graag"),
        ("jan.peeters@example.be schreef", "[EMAIL] schreef"),
        ("de code is 483920", "de code is [NUMBER]"),
        ("stap 2 op mijn iPhone 15", "stap 2 op mijn iPhone 15"),
        ("ik heb geen e-mail", "ik heb geen e-mail"),
        ("１２３４ in vol breedte", "[NUMBER] in vol breedte"),
    ])
    func theStopgapMaskHidesNumbersAndAddresses(input: String, expected: String) {
        #expect(Redaction.mask(input) == expected)
    }
}
