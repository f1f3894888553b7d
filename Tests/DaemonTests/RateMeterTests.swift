import Foundation
import Testing

@testable import Daemon

@Suite struct RateMeterTests {
    @Test func steadyRateConvergesAndIdleDecays() {
        var meter = RateMeter(tau: 10)
        #expect(meter.rate(at: 100) == 0)
        // 1000 events per second for 60 s, in 10 ms steps.
        var t = 1_000.0
        for _ in 0..<6_000 {
            t += 0.01
            meter.add(10, now: t)
        }
        #expect(abs(meter.rate(at: t) - 1_000) < 10)
        #expect(meter.rate(at: t + 10) < 400)
        #expect(meter.rate(at: t + 100) < 1)
    }
}
