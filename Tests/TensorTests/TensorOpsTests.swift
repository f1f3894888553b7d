import Foundation
import Testing
@testable import Tensor

@Suite struct TensorOpsTests {
    let m = Tensor(rows: [[1, 2, 3], [4, 5, 6]])

    @Test func creation() {
        #expect(Tensor.zeros([2, 3]).scalars == Array(repeating: 0, count: 6))
        #expect(Tensor.ones([4]).scalars == [1, 1, 1, 1])
        #expect(m.shape == [2, 3] && m.rank == 2 && m.count == 6)
        #expect(Tensor(scalar: 3).shape == [])
        var a = Xoshiro256StarStar(seed: 1)
        var b = Xoshiro256StarStar(seed: 1)
        #expect(Tensor.randomNormal([5, 5], using: &a) == Tensor.randomNormal([5, 5], using: &b))
        let u = Tensor.randomUniform([1000], lowerBound: -2, upperBound: 3, using: &a)
        #expect(u.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    @Test func broadcastingArithmetic() {
        let row = Tensor([10, 20, 30])
        #expect(m + row == Tensor(rows: [[11, 22, 33], [14, 25, 36]]))
        #expect(row - m == Tensor(rows: [[9, 18, 27], [6, 15, 24]]))
        let column = Tensor(shape: [2, 1], scalars: [1, 2])
        #expect(m * column == Tensor(rows: [[1, 2, 3], [8, 10, 12]]))
        #expect(m / Tensor(scalar: 2) == m * 0.5)
        #expect(Tensor.broadcastShape([2, 1], [1, 3]) == [2, 3])
        #expect((column + Tensor(shape: [1, 3], scalars: [0, 10, 20])).scalars == [1, 11, 21, 2, 12, 22])
    }

    @Test func gradientReductionOfBroadcast() {
        #expect(m.sum(toShape: [3]) == Tensor([5, 7, 9]))
        #expect(m.sum(toShape: [2, 1]) == Tensor(shape: [2, 1], scalars: [6, 15]))
        #expect(m.sum(toShape: []) == Tensor(scalar: 21))
        #expect(Tensor([1, 2]).reshaped([2, 1]).broadcast(to: [2, 2]).scalars == [1, 1, 2, 2])
    }

    @Test func reductions() {
        #expect(m.sum() == 21)
        #expect(m.mean() == 3.5)
        #expect(m.sum(alongAxis: 0) == Tensor([5, 7, 9]))
        #expect(m.sum(alongAxis: 1) == Tensor([6, 15]))
        #expect(m.mean(alongAxis: -1, keepingAxis: true) == Tensor(shape: [2, 1], scalars: [2, 5]))
        #expect(m.max(alongAxis: 1) == Tensor([3, 6]))
    }

    @Test func shapes() {
        #expect(m.transposed() == Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
        #expect(m.slice(features: 1..<3) == Tensor(rows: [[2, 3], [5, 6]]))
        let joined = Tensor(concatenatingFeatures: [m.slice(features: 0..<1), m.slice(features: 1..<3)])
        #expect(joined == m)
        #expect(m.reshaped([3, 2]).shape == [3, 2])
    }

    @Test func unaryFunctions() {
        let x = Tensor([-2, 0, 3])
        #expect(x.relu() == Tensor([0, 0, 3]))
        #expect(x.leakyReLU(negativeSlope: 0.5) == Tensor([-1, 0, 3]))
        #expect(Tensor([0]).sigmoid() == Tensor([0.5]))
        #expect(Tensor([-200, 200]).sigmoid() == Tensor([0, 1]))
        #expect(Tensor([-200, 200]).softplus() == Tensor([0, 200]))
        #expect(abs(Tensor([0]).softplus().scalar - 0.6931472) < 1e-6)
        #expect(x.squared() == Tensor([4, 0, 9]))
        #expect(!Tensor([1, .nan]).isFinite && Tensor([1, 2]).isFinite && !Tensor([.infinity]).isFinite)
    }

    @Test func generatorIsXoshiro256StarStarFromSplitMix64() {
        // Reference values computed independently from the published algorithms.
        var rng = Xoshiro256StarStar(seed: 0)
        let first = (0..<3).map { _ in rng.next() }
        #expect(first == Self.referenceSeed0)
        var uniform = Xoshiro256StarStar(seed: 42)
        #expect((0..<3).map { _ in uniform.nextUniform() } == [0.08386296033859253, 0.37898021936416626, 0.6800433993339539])
        var pair = Xoshiro256StarStar(seed: 42)
        #expect([pair.nextNormal(), pair.nextNormal()] == [-0.3032630681991577, 0.28846174478530884])
        var normals = Xoshiro256StarStar(seed: 42)
        let sample = (0..<20_000).map { _ in Double(normals.nextNormal()) }
        let mean = sample.reduce(0, +) / Double(sample.count)
        let variance = sample.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(sample.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }

    /// The eight-lane tanh against the exact value (in Double) on a dense grid over [-12, 12],
    /// every length remainder (the scalar tail), odd symmetry, saturation, tiny inputs and NaN.
    @Test func tanhMatchesTheExactFunction() {
        let grid = (0...240_000).map { Float(-12 + Double($0) * 1e-4) }
        let result = Tensor(shape: [grid.count], scalars: grid).tanh().scalars
        var largest = 0.0
        for (x, y) in zip(grid, result) { largest = max(largest, abs(Double(y) - Foundation.tanh(Double(x)))) }
        #expect(largest < 4e-7, "largest error \(largest)")
        for count in 1...17 {
            let xs = (0..<count).map { Float($0) * 0.37 - 3 }
            let ys = Tensor(shape: [count], scalars: xs).tanh().scalars
            for (x, y) in zip(xs, ys) { #expect(abs(Double(y) - Foundation.tanh(Double(x))) < 4e-7) }
        }
        let special = Tensor(shape: [8], scalars: [0, 1e-5, -1e-5, 30, -30, .infinity, -.infinity, .nan]).tanh().scalars
        #expect(Array(special[0..<3]) == [0, 1e-5, -1e-5])
        #expect(special[3] == 1 && special[4] == -1 && special[5] == 1 && special[6] == -1)
        #expect(special[7].isNaN)
        let symmetric = Tensor(shape: [5], scalars: [0.1, 0.7, 2, 5, 7.5])
        #expect(symmetric.tanh().scalars == (-symmetric).tanh().scalars.map { -$0 })
    }

    static let referenceSeed0: [UInt64] = [11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768]
}
