// swift-tools-version:6.1
import PackageDescription

/// One settings policy for every target (the swift-log / swift-nio way: define once, apply in a loop).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Stapje",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stapje", targets: ["stapje"]),
        .executable(name: "stapje-engine-bench", targets: ["stapje-engine-bench"]),
        .library(name: "StapjeCore", targets: ["StapjeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // MARK: - Core (pure: no sockets, no terminal, no clock of its own)

        /// Text analysis: normalisation, tokens, stemmers, stop words.
        .target(name: "StapjeText"),
        /// libyaml's parser, as a system library (headers from libyaml-dev). Only YAMLEventParser imports it.
        .systemLibrary(name: "CLibYAML", providers: [.apt(["libyaml-dev"])]),
        /// The content model: FAQ answers, intent rules, messages; loading and structural checks. No Foundation.
        .target(name: "StapjeKnowledge", dependencies: ["StapjeText", "CLibYAML"]),
        /// The matching engine: compiled rules, typo correction, scoring, decision, explanation.
        .target(name: "StapjeEngine", dependencies: ["StapjeText", "StapjeKnowledge"]),
        /// The conversation core: sessions, replies, step navigation, clarification, handoff requests.
        /// Sensitive-data detection and the one redactor (national numbers, IBANs, cards, secrets...).
        .target(name: "StapjePrivacy", dependencies: ["StapjeText"]),
        .target(name: "StapjeCore", dependencies: ["StapjeText", "StapjeKnowledge", "StapjeEngine", "StapjePrivacy"]),

        // MARK: - Faces

        /// GNU readline, as a system library (headers from libreadline-dev). Only LineEditor imports it.
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        /// The one Swift type that owns readline's global state and callbacks.
        .target(name: "LineEditor", dependencies: ["CReadline"]),
        /// The kiosk REPL: terminal rendering, kiosk mode, idle wipe; the helpers' desk console; hub mode.
        .target(
            name: "StapjeTerminal",
            dependencies: [
                "StapjeCore", "LineEditor", "StapjeClient", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// A STAPJE/1 client: replies and events as values, request/response matching (no conversation logic).
        .target(
            name: "StapjeClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The line-based TCP server (SwiftNIO) and its protocol.
        .target(
            name: "StapjeServer",
            dependencies: [
                "StapjeCore",
                "StapjePrivacy",
                "StapjeStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The durable store: the handoff queue and the helper accounts, on SQLite (GRDB).
        .target(
            name: "StapjeStore",
            dependencies: [
                "StapjeCore",
                "StapjePrivacy",
                "StapjeText",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Prompt sheets for helpers: text, Markdown and printable HTML.
        .target(name: "StapjeSheets", dependencies: ["StapjeCore"]),
        /// The `stapje` command.
        /// `stapje-engine-bench`: the figures of `stapje bench` for the engine and its content alone (no Foundation).
        .executableTarget(name: "stapje-engine-bench", dependencies: ["StapjeEngine", "StapjeKnowledge"]),
        .executableTarget(
            name: "stapje",
            dependencies: [
                "StapjeCore",
                "StapjeTerminal",
                "StapjeServer",
                "StapjeSheets",
                "StapjeStore",
                "StapjeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: - Tests

        /// Finding the `stapje` program, for the tests that run it as a process; random draws for property tests.
        .target(name: "StapjeTestSupport", path: "Tests/StapjeTestSupport"),
        .testTarget(
            name: "StapjeTextTests",
            dependencies: ["StapjeText", "StapjeTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StapjeKnowledgeTests",
            dependencies: ["StapjeKnowledge", "StapjeEngine", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "StapjeEngineTests", dependencies: ["StapjeEngine", "StapjeKnowledge"]),
        .testTarget(name: "StapjePrivacyTests", dependencies: ["StapjePrivacy", "StapjeCore", "StapjeText"]),
        .testTarget(
            name: "StapjeCoreTests",
            dependencies: ["StapjeCore", "StapjeTestSupport", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Transcripts")]
        ),
        .testTarget(name: "StapjeCLITests", dependencies: ["StapjeTestSupport"]),
        .testTarget(
            name: "StapjeTerminalTests",
            dependencies: [
                "StapjeTerminal", "StapjeClient", "StapjeTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StapjeClientTests", dependencies: ["StapjeClient"]),
        .testTarget(
            name: "StapjeServerTests",
            dependencies: [
                "StapjeServer",
                "StapjeStore",
                "StapjeTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "StapjeSheetsTests", dependencies: ["StapjeSheets", "StapjeTestSupport"]),
        .testTarget(
            name: "StapjeStoreTests",
            dependencies: [
                "StapjeStore", "StapjeCore", "StapjeTestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
