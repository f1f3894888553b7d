// swift-tools-version: 6.1
// aed: an anomaly-detection daemon. See README.md and docs/DESIGN.md.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "aed",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aed", targets: ["aed"]),
        .executable(name: "aectl", targets: ["aectl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // The metrics endpoint: metrics in a swift-prometheus registry (itself over swift-metrics'
        // CoreMetrics), served by hummingbird (its default traits off: no swift-configuration to build).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        // C libraries, linked from the system (installed by scripts/bootstrap).
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),

        // The tensor engine: tensors, reverse-mode autodiff, BLAS matmul, optimizers, checkpoints.
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: strict),
        // Anomaly detectors on the tensor engine (their layer stacks), thresholds and metrics.
        .target(name: "Detectors", dependencies: ["Tensor"], swiftSettings: strict),
        // A Swift wrapper over libzmq's C API.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: strict),
        // The alert: one record from scoring through the store to the wire, and its top features.
        // A leaf, so both Store and Wire use it without depending on each other.
        .target(name: "Alerts", swiftSettings: strict),
        // The wire format (publisher to aed) and the control messages (aectl to aed).
        // (It names detectors and their diagnostics with the Detectors' own types.)
        .target(name: "Wire", dependencies: ["ZeroMQ", "Detectors", "Alerts"], swiftSettings: strict),
        // The SQLite store: models, thresholds, training runs, alerts.
        .target(
            name: "Store",
            dependencies: [
                // Detectors' vocabulary (`TrainingOutcome`) names what the store keeps; Tensor's
                // FNV-1a is the model checksum; Alerts holds the alert it stores.
                "Detectors", "Tensor", "Alerts",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The system SQLite GRDB runs on, for `sqlite3_system_errno` (why a write failed).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // The daemon: configuration, stream pipeline, retraining, control server, systemd.
        .target(
            name: "Daemon",
            dependencies: [
                "Tensor", "Detectors", "ZeroMQ", "Wire", "Store", "Alerts", "Report",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The replay report: one self-contained HTML page with inline SVG score charts.
        // (Its retrain marks name outcomes with the Detectors' `TrainingOutcome`.)
        .target(name: "Report", dependencies: ["Detectors"], swiftSettings: strict),
        // aectl's commands as a library (so tests can call them); never imports Daemon.
        .target(
            name: "AECTLKit",
            dependencies: [
                "Wire", "Alerts", "ZeroMQ", "Detectors", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        .executableTarget(
            name: "aed",
            dependencies: [
                "Daemon", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(name: "aectl", dependencies: ["AECTLKit", "Tensor"], swiftSettings: strict),
        // Benchmarks (Benchmarks/, run by scripts/bench), beside the Python peers of ../shared/bench.
        .target(name: "BenchSupport", dependencies: ["Tensor"], path: "Benchmarks/BenchSupport", swiftSettings: strict),
        // Scoring (and fit) throughput of the detectors beside the PyTorch peer (release build).
        .executableTarget(
            name: "aed-bench-score", dependencies: ["Detectors", "Tensor", "ZeroMQ", "BenchSupport"],
            path: "Benchmarks/aed-bench-score", swiftSettings: strict),
        // Store benchmark: alerts committed per second, model save and load time.
        .executableTarget(
            name: "aed-bench-store", dependencies: ["Store", "Alerts", "Tensor"], path: "Benchmarks/aed-bench-store",
            swiftSettings: strict),
        // Wire decode and transport throughput beside the Python peer.
        .executableTarget(
            name: "aed-bench-wire", dependencies: ["Wire", "ZeroMQ", "AECTLKit"], path: "Benchmarks/aed-bench-wire",
            swiftSettings: strict),
        // Training throughput of the detectors' layer stack beside the PyTorch peer (release build).
        .executableTarget(
            name: "aed-bench-train", dependencies: ["Detectors", "Tensor", "BenchSupport"], path: "Benchmarks/aed-bench-train",
            swiftSettings: strict),

        // Test helpers (Tests/Helpers), run as processes by the tests.
        // Writes alert batches and reports each commit; StoreTests SIGKILLs it mid-write.
        .executableTarget(
            name: "aed-store-crashtest", dependencies: ["Store", "Alerts"], path: "Tests/Helpers/aed-store-crashtest",
            swiftSettings: strict),
        // Prints the OpenBLAS kernel in use and checks sgemm under it; TensorTests runs it.
        .executableTarget(
            name: "aed-blas-check", dependencies: ["Tensor"], path: "Tests/Helpers/aed-blas-check", swiftSettings: strict),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"], swiftSettings: strict),
        .testTarget(name: "DetectorsTests", dependencies: ["Detectors", "Tensor"], swiftSettings: strict),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"], swiftSettings: strict),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts"], swiftSettings: strict),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Alerts", "ZeroMQ", "Tensor"], swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Alerts", "Detectors"], swiftSettings: strict),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "AECTLKit", "Wire", "ZeroMQ", "Store", "Alerts", "Detectors", "Tensor"],
            swiftSettings: strict),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Detectors", "Tensor"], swiftSettings: strict),
        .testTarget(name: "AECTLTests", dependencies: ["AECTLKit", "Wire", "Alerts"], swiftSettings: strict),
    ]
)
