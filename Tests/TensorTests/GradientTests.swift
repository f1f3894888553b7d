import Testing
@testable import Tensor

/// Central finite-difference checks of every differentiable op and loss.
@Suite struct GradientTests {
    static let tolerance: Float = 2e-2
    let matrix = GradientCheck.awayFromZero([3, 4], seed: 1)
    let other = GradientCheck.awayFromZero([3, 4], seed: 2)
    let row = GradientCheck.awayFromZero([4], seed: 3)
    let rowKept = GradientCheck.awayFromZero([1, 4], seed: 4)
    let column = GradientCheck.awayFromZero([3, 1], seed: 5)
    let positive = GradientCheck.awayFromZero([3, 4], seed: 6).map { abs($0) + 0.3 }

    func check(_ inputs: [Tensor], step: Float = 1e-2, _ f: ([Variable]) -> Variable) {
        let error = GradientCheck.maximumError(inputs: inputs, step: step, f)
        #expect(error < Self.tolerance, "max relative gradient error \(error)")
    }

    @Test func binaryOpsSameShape() {
        check([matrix, other]) { $0[0] + $0[1] }
        check([matrix, other]) { $0[0] - $0[1] }
        check([matrix, other]) { $0[0] * $0[1] }
        check([matrix, positive]) { $0[0] / $0[1] }
    }

    @Test(arguments: [0, 1, 2, 3])
    func binaryOpsBroadcastRowAndSizeOneAxes(_ which: Int) {
        for small in [row, rowKept, column] {
            let denominator = small.map { abs($0) + 0.5 }
            switch which {
            case 0:
                check([matrix, small]) { $0[0] + $0[1] }
                check([small, matrix]) { $0[0] + $0[1] }
            case 1:
                check([matrix, small]) { $0[0] - $0[1] }
                check([small, matrix]) { $0[0] - $0[1] }
            case 2:
                check([matrix, small]) { $0[0] * $0[1] }
                check([small, matrix]) { $0[0] * $0[1] }
            default:
                check([matrix, denominator]) { $0[0] / $0[1] }
                check([small, positive]) { $0[0] / $0[1] }
            }
        }
        // Column [3, 1] against row [1, 4]: both sides broadcast.
        check([column, rowKept]) { $0[0] * $0[1] }
    }

    @Test func scalarOps() {
        check([matrix]) { -$0[0] }
        check([matrix]) { $0[0] * 3 + 2 }
        check([matrix]) { 1 - $0[0] / 4 }
        check([matrix]) { 2 * $0[0] - 1 }
    }

    @Test func unaryOps() {
        check([matrix]) { $0[0].exp() }
        check([positive]) { $0[0].log() }
        check([matrix]) { $0[0].squared() }
        check([positive]) { $0[0].squareRoot() }
        check([matrix]) { $0[0].relu() }
        check([matrix]) { $0[0].leakyReLU(negativeSlope: 0.1) }
        check([matrix]) { $0[0].sigmoid() }
        check([matrix]) { $0[0].tanh() }
        check([matrix]) { $0[0].softplus() }
    }

    @Test func reductions() {
        check([matrix]) { $0[0].sum() }
        check([matrix]) { $0[0].mean() }
        for axis in [0, 1, -1] {
            check([matrix]) { $0[0].sum(alongAxis: axis) }
            check([matrix]) { $0[0].mean(alongAxis: axis) }
            check([matrix]) { $0[0].sum(alongAxis: axis, keepingAxis: true) * $0[0] }
        }
    }

    @Test func shapeOps() {
        check([matrix]) { $0[0].slice(features: 1..<3) }
        check([matrix, other]) { Variable.concatenatingFeatures([$0[0], $0[1].slice(features: 0..<2)]) }
        check([matrix]) { $0[0].reshaped([4, 3]) }
    }

    @Test func matmulAndAffine() {
        let weight = GradientCheck.awayFromZero([4, 5], seed: 11)
        let bias = GradientCheck.awayFromZero([5], seed: 12)
        check([matrix, weight]) { Variable.matmul($0[0], $0[1]) }
        check([matrix, weight, bias]) { Variable.affine($0[0], weight: $0[1], bias: $0[2]) }
    }

    @Test func nodeUsedTwiceAccumulates() {
        check([matrix]) { $0[0] * $0[0] + $0[0] }
        check([matrix, row]) { x in
            let h = x[0] + x[1]
            return (h * h.sigmoid() - h).tanh()
        }
        let x = Variable(Tensor([3]), requiresGradient: true)
        (x * x + x).sum().backward()
        #expect(x.gradient == Tensor([7]))  // d/dx (x² + x) = 2x + 1
    }

    @Test func losses() {
        let target = GradientCheck.awayFromZero([3, 4], seed: 21)
        let probabilities = target.map { ($0 + 1.5) / 3 }
        let latentMean = GradientCheck.awayFromZero([3, 2], seed: 22)
        let latentLogVariance = GradientCheck.awayFromZero([3, 2], seed: 23, low: 0.05, high: 0.8)
        let activations = target.map { 0.1 + 0.8 * ($0 + 1.5) / 3 }
        check([matrix]) { meanSquaredError($0[0], target) }
        check([matrix]) { binaryCrossEntropy(logits: $0[0] * 4, targets: probabilities) }
        check([matrix, other]) { gaussianNegativeLogLikelihood(target, mean: $0[0], logVariance: $0[1] * 0.5) }
        check([matrix, row]) { gaussianNegativeLogLikelihood(target, mean: $0[0], logVariance: $0[1] * 0.5) }
        check([latentMean, latentLogVariance]) { klDivergence(mean: $0[0], logVariance: $0[1]) }
        check([activations], step: 1e-3) { bernoulliKLDivergence(sparsityTarget: 0.05, activations: $0[0]) }
        check([latentMean, latentLogVariance]) { p in
            var generator = Xoshiro256StarStar(seed: 9)  // the same ε on every evaluation
            return reparameterize(mean: p[0], logVariance: p[1], using: &generator)
        }
    }

    @Test func wholeAutoencoderLoss() {
        var rng = Xoshiro256StarStar(seed: 99)
        // He-initialized encoder, Glorot-initialized decoder, zero biases.
        let encoder = Tensor.randomNormal([4, 3], standardDeviation: (2 / Float(4)).squareRoot(), using: &rng)
        let a = (6 / Float(3 + 4)).squareRoot()
        let decoder = Tensor.randomUniform([3, 4], lowerBound: -a, upperBound: a, using: &rng)
        let target = matrix
        let error = GradientCheck.maximumError(
            inputs: [encoder, Tensor.zeros([3]) + 0.3, decoder, Tensor.zeros([4])]
        ) { p in
            let hidden = Variable.affine(Variable(target), weight: p[0], bias: p[1]).tanh()
            return meanSquaredError(Variable.affine(hidden, weight: p[2], bias: p[3]), target)
        }
        #expect(error < Self.tolerance)
    }

    @Test func wholeVAELoss() {
        // Encoder head [batch, 2 * latent] split into mean and log-variance, reparameterized
        // with fixed noise, Gaussian decoder with unit variance, plus the KL term.
        var rng = Xoshiro256StarStar(seed: 123)
        let x = matrix
        let noise = Tensor.randomNormal([3, 2], using: &rng)
        // Glorot-initialized encoder and decoder, zero biases.
        let a = (6 / Float(4 + 4)).squareRoot()
        let encoder = Tensor.randomUniform([4, 4], lowerBound: -a, upperBound: a, using: &rng)
        let b = (6 / Float(2 + 4)).squareRoot()
        let decoder = Tensor.randomUniform([2, 4], lowerBound: -b, upperBound: b, using: &rng)
        let error = GradientCheck.maximumError(
            inputs: [encoder, Tensor.zeros([4]) + 0.1, decoder, Tensor.zeros([4])]
        ) { p in
            let head = Variable.affine(Variable(x), weight: p[0], bias: p[1])
            let mean = head.slice(features: 0..<2)
            let logVariance = head.slice(features: 2..<4)
            let z = mean + (logVariance * 0.5).exp() * noise
            let reconstruction = Variable.affine(z, weight: p[2], bias: p[3])
            let zero = Variable(Tensor.zeros([]))
            return gaussianNegativeLogLikelihood(x, mean: reconstruction, logVariance: zero)
                + klDivergence(mean: mean, logVariance: logVariance)
        }
        #expect(error < Self.tolerance)
    }
}
