import Foundation
import Testing

@Suite struct SystemdUnitTests {
    static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var unitText: String? {
        try? String(
            contentsOf: ReleaseBinaries.repositoryRoot.appendingPathComponent("systemd/aed.service"), encoding: .utf8)
    }

    @Test func unitDeclaresNotifyWatchdogAndHardening() throws {
        let text = try #require(Self.unitText)
        for line in [
            "Type=notify", "WatchdogSec=", "Restart=on-failure", "DynamicUser=yes", "StateDirectory=aed",
            "RuntimeDirectory=aed", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes",
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "SystemCallFilter=@system-service",
            "--control ipc:///run/aed/control.sock", "ExecStart=/usr/local/bin/aed",
        ] {
            #expect(text.contains(line), "missing \(line)")
        }
    }

    /// `systemd-analyze verify` on the unit, with ExecStart pointing at an existing binary
    /// (the installed path /usr/local/bin/aed does not exist on a build machine).
    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed"))
    func systemdAnalyzeVerifyPasses() throws {
        let analyzer = try #require(Self.analyzer)
        let text = try #require(Self.unitText)
        let directory = NSTemporaryDirectory() + "aed-unit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = ReleaseBinaries.path("aed") ?? "/bin/true"
        try text.replacingOccurrences(of: "/usr/local/bin/aed", with: binary)
            .write(toFile: directory + "/aed.service", atomically: true, encoding: .utf8)
        let result = try runProcess(analyzer, ["verify", directory + "/aed.service"], timeout: 60)
        #expect(result.status == 0, "systemd-analyze verify: \(result.stdout)\(result.stderr)")
    }
}
