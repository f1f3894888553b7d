import Testing
@testable import Tensor

@Suite struct OptimizerTests {
    func parameter(_ values: [Float]) -> [NamedParameter] {
        [NamedParameter(name: "p", variable: Variable(Tensor(values), requiresGradient: true))]
    }

    @Test func adamMatchesHandComputation() throws {
        let p = parameter([1, -2])
        var adam = Adam(learningRate: 0.1)
        p[0].variable.gradient = Tensor([0.5, -1])
        try adam.step(p)
        // m̂ = g, v̂ = g²: the first step moves each weight by lr · g / (|g| + ε) ≈ ±0.1.
        #expect(approximately(p[0].variable.value.scalars, [0.9, -1.9]))
        p[0].variable.gradient = Tensor([-0.25, 2])
        try adam.step(p)
        // Second step, by the formula in Double.
        var expected: [Float] = []
        for (w, (g1, g2)) in zip([0.9, -1.9] as [Double], zip([0.5, -1.0], [-0.25, 2.0])) {
            let m = 0.9 * (0.1 * g1) + 0.1 * g2
            let v = 0.999 * (0.001 * g1 * g1) + 0.001 * g2 * g2
            let mHat = m / (1 - 0.81)
            let vHat = v / (1 - 0.999 * 0.999)
            expected.append(Float(w - 0.1 * mHat / (vHat.squareRoot() + 1e-8)))
        }
        #expect(approximately(p[0].variable.value.scalars, expected))
        #expect(adam.moments["p"]?.step == 2)
    }

    @Test func nonFiniteGradientsAreRefusedAndNotApplied() {
        let p = parameter([1, 2]) + [NamedParameter(name: "q", variable: Variable(Tensor([3]), requiresGradient: true))]
        var adam = Adam()
        p[0].variable.gradient = Tensor([.nan, 1])
        p[1].variable.gradient = Tensor([1])
        #expect(throws: OptimizerError.nonFiniteGradients(parameters: ["p"])) { try adam.step(p) }
        #expect(p[0].variable.value == Tensor([1, 2]) && p[1].variable.value == Tensor([3]))
        #expect(adam.moments.isEmpty)
        var fresh = Adam(learningRate: 1)
        p[1].variable.gradient = Tensor([.infinity])
        #expect(throws: OptimizerError.self) { try fresh.step(p) }
        #expect(p[1].variable.value == Tensor([3]))
    }

    @Test func clipsByGlobalNorm() throws {
        let p = parameter([0, 0])
        var adam = Adam(learningRate: 1, maxGradientNorm: 1)
        p[0].variable.gradient = Tensor([3, 4])
        let report = try adam.step(p)
        #expect(report.gradientNorm == 5 && report.clipped)
        // The step uses the gradient scaled to norm 1.
        p[0].variable.gradient = Tensor([3, 4])
        let prepared = try PreparedGradients(p, maxGradientNorm: 1)
        #expect(approximately(prepared.entries[0].gradient.scalars, [0.6, 0.8]))
    }
}

func approximately(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * Swift.max(1, abs($1)) }
}
