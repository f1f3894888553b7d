import Testing
@testable import Tensor

@Suite struct LayerTests {
    @Test func initializationsFollowTheirDistributions() {
        var rng = Xoshiro256StarStar(seed: 31)
        let glorot = Linear(200, 100, initialization: .glorot, using: &rng)
        let bound = (6 / Float(300)).squareRoot()
        #expect(glorot.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(glorot.bias.value == Tensor.zeros([100]))
        let he = Linear(200, 100, initialization: .he, using: &rng)
        let variance = he.weight.value.squared().mean()
        #expect(abs(variance - 2 / 200) < 0.1 * (2 / 200))
        let fanIn = Linear(100, 50, initialization: .uniformFanIn, using: &rng)
        #expect(fanIn.weight.value.scalars.allSatisfy { abs($0) <= 0.1 })
        #expect(fanIn.bias.value.scalars.allSatisfy { abs($0) <= 0.1 } && fanIn.bias.value != .zeros([50]))
        #expect(Linear(3, 2, initialization: .zeros, using: &rng).weight.value == .zeros([3, 2]))
    }

    @Test func linearIsInputTimesWeightPlusBias() {
        var rng = Xoshiro256StarStar(seed: 1)
        let layer = Linear(2, 3, using: &rng)
        layer.weight.assign(Tensor(rows: [[1, 2, 3], [4, 5, 6]]))
        layer.bias.assign(Tensor([1, 0, -1]))
        let x = Tensor(rows: [[1, 1], [0, 2]])
        #expect(layer(x) == Tensor(rows: [[6, 7, 8], [9, 10, 11]]))
        #expect(layer(Variable(x)).value == layer(x))
        #expect(layer.inputDimensions == 2 && layer.outputDimensions == 3)
    }

    @Test func parametersAreNamedByDottedPath() {
        var rng = Xoshiro256StarStar(seed: 2)
        let encoder = Sequential([Linear(4, 3, using: &rng), Activation(.relu), Linear(3, 2, using: &rng)])
        let names = encoder.parameters.prefixed("encoder").map(\.name)
        #expect(names == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias"])
    }

    @Test(arguments: [
        Activation.Function.relu, .leakyReLU(negativeSlope: 0.2), .sigmoid, .tanh, .softplus, .identity,
    ])
    func activationPathsAgree(_ function: Activation.Function) {
        let x = Tensor(rows: [[-2, -0.5, 0, 0.5, 2]])
        let layer = Activation(function)
        var inPlace = x
        function.applyInPlace(&inPlace)
        #expect(layer(x) == layer(Variable(x)).value)
        #expect(layer(x) == inPlace)
        #expect(layer.frozen()(x) == inPlace)
    }
}
