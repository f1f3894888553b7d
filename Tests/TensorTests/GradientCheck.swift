@testable import Tensor

/// Central finite-difference gradient check helpers.
enum GradientCheck {
    /// Random values in `±[low, high]`, away from the kinks of relu and friends.
    static func awayFromZero(_ shape: [Int], seed: UInt64, low: Float = 0.2, high: Float = 1.5) -> Tensor {
        var rng = Xoshiro256StarStar(seed: seed)
        let magnitudes = Tensor.randomUniform(shape, lowerBound: low, upperBound: high, using: &rng)
        return magnitudes.map { rng.nextUniform() < 0.5 ? -$0 : $0 }
    }

    /// The largest relative error between the autodiff gradient and central differences of
    /// `Σ f(inputs) ⊙ R` for a fixed random `R`, over every element of every input.
    ///
    /// Relative error per element: `|a - n| / max(1, |a|, |n|)`, evaluated in `Double` sums
    /// of `Float` forward passes with step `h`.
    static func maximumError(
        inputs: [Tensor], step h: Float = 1e-2, seed: UInt64 = 7,
        _ function: ([Variable]) -> Variable
    ) -> Float {
        var rng = Xoshiro256StarStar(seed: seed)
        let probeShape = function(inputs.map { Variable($0) }).shape
        let weights = Tensor.randomUniform(probeShape, lowerBound: 0.5, upperBound: 1.5, using: &rng)
        func objective(_ tensors: [Tensor]) -> Double {
            let output = function(tensors.map { Variable($0) }).value
            var total: Double = 0
            for (o, w) in zip(output.scalars, weights.scalars) { total += Double(o) * Double(w) }
            return total
        }
        let variables = inputs.map { Variable($0, requiresGradient: true) }
        let output = function(variables)
        (output * weights).sum().backward()
        var worst: Float = 0
        for (index, input) in inputs.enumerated() {
            let analytic = variables[index].gradient ?? Tensor.zeros(input.shape)
            for element in 0..<input.count {
                var plus = inputs
                var minus = inputs
                plus[index].scalars[element] += h
                minus[index].scalars[element] -= h
                let numeric = Float((objective(plus) - objective(minus)) / Double(2 * h))
                let a = analytic.scalars[element]
                let error = abs(a - numeric) / Swift.max(1, abs(a), abs(numeric))
                worst = Swift.max(worst, error)
            }
        }
        return worst
    }
}
