import Foundation
import Testing
@testable import Report

/// Renders the realistic fixture; with `AED_REPORT_PREVIEW=/some/file.html` in the environment it
/// also writes the page there (and a 3,000-vector elapsed-time variant beside it), to look at in
/// a browser or as a picture: `chromium --headless --screenshot=report.png
/// --window-size=1400,1800 file:///some/file.html` (Debian's `chromium`; as root add `--no-sandbox`).
@Suite("Report preview")
struct ReportPreviewTests {
    @Test("the realistic fixture renders one chart per detector, within bounds")
    func realistic() throws {
        let report = ReportFixture.realistic()
        let html = ReplayReportPage.html(report)
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        #expect(html.utf8.count < 1_000_000)
        if let path = ProcessInfo.processInfo.environment["AED_REPORT_PREVIEW"] {
            try ReplayReportPage.write(report, to: URL(fileURLWithPath: path))
            try ReplayReportPage.write(
                ReportFixture.realistic(vectors: 3000, epoch: false),
                to: URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("elapsed.html"))
        }
    }
}
