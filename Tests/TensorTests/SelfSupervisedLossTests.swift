import Foundation
import Testing
@testable import Tensor

/// Central finite-difference checks and values of the contrastive, triplet, DCL and softmax
/// cross-entropy losses, in both regions of each hinge (active, and the zero region where the
/// gradient is exactly 0), away from the kink and from `d = 0`.
@Suite struct SelfSupervisedLossTests {
    static let tolerance: Float = 2e-2

    func check(_ inputs: [Tensor], step: Float = 1e-2, _ f: ([Variable]) -> Variable) {
        let error = GradientCheck.maximumError(inputs: inputs, step: step, f)
        #expect(error < Self.tolerance, "max relative gradient error \(error)")
    }

    /// Pairs `(a, a + distance_i · unit direction)` at the given distances, `[count, 4]` each.
    static func pairs(distances: [Float], seed: UInt64) -> (Tensor, Tensor) {
        var rng = Xoshiro256StarStar(seed: seed)
        let a = Tensor.randomNormal([distances.count, 4], using: &rng)
        let direction = Tensor.randomNormal([distances.count, 4], using: &rng)
        let norms = SelfSupervisedKernels.rowNorms(direction)
        var b = a
        for i in distances.indices {
            for j in 0..<4 { b.scalars[i * 4 + j] += distances[i] * direction.scalars[i * 4 + j] / norms[i] }
        }
        return (a, b)
    }

    @Test func contrastiveLossValue() {
        // d = 0.5 similar: 0.25; d = 1.5 dissimilar, m = 2: 0.25; d = 3 dissimilar: 0.
        let (a, b) = Self.pairs(distances: [0.5, 1.5, 3], seed: 1)
        let loss = contrastiveLoss(Variable(a), Variable(b), labels: Tensor([1, 0, 0]), margin: 2)
        #expect(abs(loss.value.scalar - 0.5 / 3) < 1e-5)
    }

    @Test(arguments: [Float(1), 0])
    func contrastiveLossGradientBothRegions(_ label: Float) {
        // Margin 2: distances 0.6 and 1.4 are inside the margin (active), 2.7 and 3.5 beyond it
        // (dissimilar pairs there have zero loss); all at least 0.6 from the kink at d = m.
        let (a, b) = Self.pairs(distances: [0.6, 1.4, 2.7, 3.5], seed: 2)
        let labels = Tensor([label, label, label, label])
        check([a, b]) { contrastiveLoss($0[0], $0[1], labels: labels, margin: 2) }
        let mixed = Tensor([1, 0, 1, 0])
        check([a, b]) { contrastiveLoss($0[0], $0[1], labels: mixed, margin: 2) }
    }

    @Test func contrastiveLossZeroRegionAndZeroDistance() {
        // Dissimilar pairs beyond the margin, and one pair at d = 0: gradient exactly 0 beyond the
        // margin; at d = 0 the dissimilar term's subgradient is 0 (the loss there is m²).
        let (a, far) = Self.pairs(distances: [2.5, 4], seed: 3)
        let first = Variable(a, requiresGradient: true)
        let second = Variable(far, requiresGradient: true)
        let loss = contrastiveLoss(first, second, labels: Tensor([0, 0]), margin: 2)
        #expect(loss.value.scalar == 0)
        loss.backward()
        #expect(first.gradient?.scalars.allSatisfy { $0 == 0 } ?? true)
        #expect(second.gradient?.scalars.allSatisfy { $0 == 0 } ?? true)

        let same = Variable(a, requiresGradient: true)
        let atZero = contrastiveLoss(same, Variable(a), labels: Tensor([0, 0]), margin: 2)
        #expect(abs(atZero.value.scalar - 4) < 1e-6)
        atZero.backward()
        #expect(same.gradient?.scalars.allSatisfy { $0 == 0 } ?? false)
    }

    /// Triplets whose hinge arguments `D(a,p) - D(a,n) + margin` are at least 0.15 from 0: the
    /// first `count` active ones and the first `count` inactive ones from a seeded pool.
    static func triplets(distance: TripletDistance, margin: Float, count: Int, seed: UInt64) -> (Tensor, Tensor, Tensor, active: Int) {
        var rng = Xoshiro256StarStar(seed: seed)
        var active: [[Float]] = [], inactive: [[Float]] = []
        while active.count < count || inactive.count < count {
            let a = (0..<4).map { _ in rng.nextNormal() }
            let p = (0..<4).map { _ in rng.nextNormal() }
            let n = (0..<4).map { _ in rng.nextNormal() }
            let argument = SelfSupervisedKernels.distance(a, p, distance)
                - SelfSupervisedKernels.distance(a, n, distance) + margin
            // Euclidean distances stay away from 0 too.
            let nearZero = SelfSupervisedKernels.distance(a, p, .euclidean) < 0.3
                || SelfSupervisedKernels.distance(a, n, .euclidean) < 0.3
            if abs(argument) < 0.15 || nearZero { continue }
            if argument > 0, active.count < count { active.append(a + p + n) }
            if argument < 0, inactive.count < count { inactive.append(a + p + n) }
        }
        let rows = active + inactive
        func part(_ k: Int) -> Tensor { Tensor(rows: rows.map { Array($0[(k * 4)..<((k + 1) * 4)]) }) }
        return (part(0), part(1), part(2), count)
    }

    @Test(arguments: TripletDistance.allCases)
    func tripletLossGradient(_ distance: TripletDistance) {
        let margin: Float = distance == .cosine ? 0.3 : 1
        let (a, p, n, _) = Self.triplets(distance: distance, margin: margin, count: 3, seed: 11)
        check([a, p, n]) { tripletLoss(anchors: $0[0], positives: $0[1], negatives: $0[2], margin: margin, distance: distance) }
    }

    @Test(arguments: TripletDistance.allCases)
    func tripletLossZeroRegionHasZeroGradient(_ distance: TripletDistance) {
        let margin: Float = distance == .cosine ? 0.3 : 1
        let (a, p, n, count) = Self.triplets(distance: distance, margin: margin, count: 3, seed: 12)
        let anchors = Variable(a, requiresGradient: true)
        let loss = tripletLoss(
            anchors: anchors, positives: Variable(p, requiresGradient: true), negatives: Variable(n), margin: margin,
            distance: distance)
        loss.backward()
        let gradient = anchors.gradient?.scalars ?? []
        #expect(gradient.count == a.count)
        #expect(gradient[(count * 4)...].allSatisfy { $0 == 0 }, "inactive triplets get gradient 0")
        #expect(gradient[..<(count * 4)].contains { $0 != 0 }, "active triplets get a gradient")
        // The value: the mean of the active arguments only.
        var expected: Float = 0
        for i in 0..<count {
            let rows = (i * 4)..<((i + 1) * 4)
            expected += SelfSupervisedKernels.distance(Array(a.scalars[rows]), Array(p.scalars[rows]), distance)
                - SelfSupervisedKernels.distance(Array(a.scalars[rows]), Array(n.scalars[rows]), distance) + margin
        }
        #expect(abs(loss.value.scalar - expected / Float(2 * count)) < 1e-5)
    }

    @Test func tripletLossAtCoincidentPointsIsFinite() {
        // a = p = n: the Euclidean and cosine subgradients at 0 distance / zero vectors are 0.
        let zero = Tensor.zeros([1, 4])
        for distance in TripletDistance.allCases {
            let anchors = Variable(zero, requiresGradient: true)
            let loss = tripletLoss(anchors: anchors, positives: Variable(zero), negatives: Variable(zero), margin: 1, distance: distance)
            #expect(loss.value.scalar == 1)
            loss.backward()
            #expect(anchors.gradient?.scalars.allSatisfy { $0 == 0 } ?? true)
        }
    }

    @Test(arguments: [Float(1), 0.5, 0.2])
    func deterministicContrastiveLossGradient(_ temperature: Float) {
        let embeddings = GradientCheck.awayFromZero([3, 4, 5], seed: 31)
        check([embeddings], step: temperature < 0.5 ? 2e-3 : 1e-2) {
            deterministicContrastiveLoss($0[0], temperature: temperature)
        }
    }

    @Test func deterministicContrastiveLossValue() {
        // Two views, identical: L = log(h(z1, z0)) - log h(z1, z0) = 0 (the only candidate is z0).
        let same = Tensor(shape: [1, 2, 3], scalars: [1, 2, 3, 1, 2, 3])
        #expect(abs(deterministicContrastiveLoss(Variable(same), temperature: 0.1).value.scalar) < 1e-6)
        // Three views: z1 = z0, z2 ⟂ both. k = 1: log(e^{10} + e^0) - 10; k = 2: log(2 e^0) - 0.
        let views = Tensor(shape: [1, 3, 2], scalars: [1, 0, 1, 0, 0, 1])
        let expected = Float(log(exp(10.0) + 1) - 10 + log(2.0))
        #expect(abs(deterministicContrastiveLoss(Variable(views), temperature: 0.1).value.scalar - expected) < 1e-5)
    }

    @Test func softmaxCrossEntropyGradientAndValue() {
        let logits = GradientCheck.awayFromZero([4, 3], seed: 41)
        let labels = [0, 2, 1, 2]
        check([logits]) { softmaxCrossEntropy(logits: $0[0] * 2, labels: labels) }
        let uniform = softmaxCrossEntropy(logits: Variable(Tensor.zeros([2, 4])), labels: [1, 3])
        #expect(abs(uniform.value.scalar - Float(log(4.0))) < 1e-6)
    }
}
