#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The self-supervised losses: pairwise contrastive loss with margin, triplet loss with margin,
// the deterministic contrastive loss of NeuTraL-AD, and softmax cross-entropy. Each is fused: the
// forward math and a hand-written backward closure side by side, checked against central finite
// differences in `GradientTests`.

/// The distance a triplet loss compares.
public enum TripletDistance: String, Sendable, Codable, CaseIterable {
    /// `‖a - b‖₂²`, differentiable everywhere (FaceNet's choice).
    case squaredEuclidean = "squared-euclidean"
    /// `‖a - b‖₂`; at `a = b` the subgradient 0 is used.
    case euclidean
    /// `1 - a·b / (‖a‖₂ ‖b‖₂)`, in `[0, 2]`; where either vector is 0 the distance is 1 with
    /// subgradient 0.
    case cosine
}

/// The pairwise contrastive loss with margin `m` (Hadsell, Chopra and LeCun, "Dimensionality
/// Reduction by Learning an Invariant Mapping", CVPR 2006, eq. 4, with their ½ factors dropped):
///
///     L = (1/B) Σ_i [ y_i d_i² + (1 - y_i) max(0, m - d_i)² ],   d_i = ‖a_i - b_i‖₂
///
/// Similar pairs (`y = 1`) are pulled together; dissimilar pairs (`y = 0`) are pushed apart until
/// they are at least the margin apart, and contribute nothing (gradient exactly 0) beyond it.
///
/// Shapes: `first` and `second` `[batch, features]`, `labels` `[batch]` with values in `[0, 1]`
/// (1 similar, 0 dissimilar); result `[]`. Gradient: `∂L/∂a_i = (2/B) [y_i - (1 - y_i) max(0, m -
/// d_i) / d_i] (a_i - b_i)`, `∂L/∂b_i = -∂L/∂a_i`. At `d_i = 0` the dissimilar term's direction
/// is undefined; the subgradient 0 is used for it (the similar term's gradient is 0 there anyway).
/// - Precondition: equal rank-2 shapes, one label per row, `margin >= 0`.
public func contrastiveLoss(_ first: Variable, _ second: Variable, labels: Tensor, margin: Float) -> Variable {
    precondition(
        first.shape == second.shape && first.shape.count == 2,
        "contrastiveLoss: first \(first.shape) and second \(second.shape) must be equal [batch, features]")
    precondition(labels.shape == [first.shape[0]], "contrastiveLoss: labels \(labels.shape) vs batch \(first.shape[0])")
    precondition(margin >= 0, "contrastiveLoss: margin \(margin) must be non-negative")
    let batch = first.shape[0], width = first.shape[1]
    let difference = first.value - second.value
    let distances = SelfSupervisedKernels.rowNorms(difference)
    var total: Float = 0
    // The coefficient c_i of (a_i - b_i) in ∂L_i/∂a_i, before the 1/B.
    var coefficients = [Float](repeating: 0, count: batch)
    for i in 0..<batch {
        let y = labels.scalars[i], d = distances[i]
        let hinge = max(0, margin - d)
        total += y * d * d + (1 - y) * hinge * hinge
        coefficients[i] = 2 * y - (d > 0 ? 2 * (1 - y) * hinge / d : 0)
    }
    let scale = 1 / Float(max(batch, 1))
    return Variable(Tensor(scalar: total * scale), parents: [first, second]) { g in
        let step = g.scalar * scale
        var gradient = difference
        gradient.scalars.withUnsafeMutableBufferPointer { out in
            for i in 0..<batch {
                let c = coefficients[i] * step
                for j in (i * width)..<((i + 1) * width) { out[j] *= c }
            }
        }
        if first.requiresGradient { first.accumulate(gradient) }
        if second.requiresGradient { second.accumulate(-gradient) }
    }
}

/// The triplet loss with margin α (Schroff, Kalenichenko and Philbin, "FaceNet: A Unified
/// Embedding for Face Recognition and Clustering", CVPR 2015, eq. 1-3):
///
///     L = (1/B) Σ_i max(0, D(a_i, p_i) - D(a_i, n_i) + α)
///
/// with `D` the squared Euclidean distance (FaceNet's, the default), the Euclidean distance, or the
/// cosine distance `1 - cos(a, b)` (`TripletDistance`). A triplet whose negative is already more
/// than the margin farther than its positive contributes 0 and gets gradient exactly 0.
///
/// Shapes: `anchors`, `positives`, `negatives` `[batch, features]`; result `[]`. Gradients of the
/// active triplets (hinge argument > 0): squared Euclidean `∂D(a,b)/∂a = 2 (a - b)`; Euclidean
/// `(a - b) / ‖a - b‖` (0 at `a = b`); cosine `-(b / (‖a‖‖b‖) - cos(a,b) a / ‖a‖²)` (0 at a zero
/// vector); `∂D/∂b` by symmetry. At the hinge's kink (argument exactly 0) the subgradient 0 is used.
/// - Precondition: equal rank-2 shapes, `margin >= 0`.
public func tripletLoss(
    anchors: Variable, positives: Variable, negatives: Variable, margin: Float,
    distance: TripletDistance = .squaredEuclidean
) -> Variable {
    precondition(
        anchors.shape == positives.shape && anchors.shape == negatives.shape && anchors.shape.count == 2,
        "tripletLoss: anchors \(anchors.shape), positives \(positives.shape), negatives \(negatives.shape) must be equal [batch, features]")
    precondition(margin >= 0, "tripletLoss: margin \(margin) must be non-negative")
    let batch = anchors.shape[0], width = anchors.shape[1]
    let a = anchors.value, p = positives.value, n = negatives.value
    var total: Float = 0
    var active = [Bool](repeating: false, count: batch)
    a.scalars.withUnsafeBufferPointer { a in
        p.scalars.withUnsafeBufferPointer { p in
            n.scalars.withUnsafeBufferPointer { n in
                for i in 0..<batch {
                    let row = i * width
                    let argument = SelfSupervisedKernels.distance(a, p, row, width, distance)
                        - SelfSupervisedKernels.distance(a, n, row, width, distance) + margin
                    if argument > 0 {
                        total += argument
                        active[i] = true
                    }
                }
            }
        }
    }
    let scale = 1 / Float(max(batch, 1))
    return Variable(Tensor(scalar: total * scale), parents: [anchors, positives, negatives]) { g in
        let step = g.scalar * scale
        var gradA = [Float](repeating: 0, count: a.count)
        var gradP = gradA, gradN = gradA
        a.scalars.withUnsafeBufferPointer { a in
            p.scalars.withUnsafeBufferPointer { p in
                n.scalars.withUnsafeBufferPointer { n in
                    gradA.withUnsafeMutableBufferPointer { gradA in
                        gradP.withUnsafeMutableBufferPointer { gradP in
                            gradN.withUnsafeMutableBufferPointer { gradN in
                                for i in 0..<batch where active[i] {
                                    // L_i = D(a, p) - D(a, n) + α: +∂D(a,p), -∂D(a,n).
                                    SelfSupervisedKernels.accumulateDistanceGradient(
                                        a, p, i * width, width, distance, scale: step, into: gradA, gradP)
                                    SelfSupervisedKernels.accumulateDistanceGradient(
                                        a, n, i * width, width, distance, scale: -step, into: gradA, gradN)
                                }
                            }
                        }
                    }
                }
            }
        }
        if anchors.requiresGradient { anchors.accumulate(Tensor(shape: a.shape, scalars: gradA)) }
        if positives.requiresGradient { positives.accumulate(Tensor(shape: p.shape, scalars: gradP)) }
        if negatives.requiresGradient { negatives.accumulate(Tensor(shape: n.shape, scalars: gradN)) }
    }
}

/// The deterministic contrastive loss (DCL) of NeuTraL-AD, per sample (Qiu et al., "Neural
/// Transformation Learning for Deep Anomaly Detection Beyond Images", ICML 2021, eq. 2):
///
///     L_i = -Σ_{k=1..K} log [ h(z_k, z_0) / (h(z_k, z_0) + Σ_{l≠k, l≥1} h(z_k, z_l)) ],
///     h(a, b) = exp(cos(a, b) / τ)
///
/// where `z_0` is the embedding of the sample itself and `z_1...z_K` those of its K learned
/// transformations: each transformed view must stay close to the original (semantics) and far
/// from the other views (diversity). NeuTraL-AD's anomaly score is this loss of the sample.
///
/// Shapes: `embeddings` `[batch, views, features]` with `views = K + 1 >= 2`, view 0 the
/// untransformed sample; result `[batch]`, in nats. Embeddings are L2-normalized inside (a zero
/// embedding is left at 0: its cosine is 0 and its normalization has gradient 0). Gradient:
/// with `s_kl = u_k·u_l / τ`, `u = z/‖z‖` and `p_kl` the softmax of `s_k·` over `l ≠ k`,
/// `∂L/∂s_kl = p_kl - [l = 0]`; back through `s` (symmetric in its two embeddings) and the
/// normalization `∂u/∂z = (I - u uᵀ) / ‖z‖`.
/// - Precondition: rank 3 with at least 2 views, `temperature > 0`.
public func deterministicContrastiveLoss(_ embeddings: Variable, temperature: Float) -> Variable {
    let shape = embeddings.shape
    precondition(shape.count == 3 && shape[1] >= 2, "deterministicContrastiveLoss: embeddings \(shape) not [batch, views >= 2, features]")
    precondition(temperature > 0, "deterministicContrastiveLoss: temperature \(temperature) must be positive")
    let batch = shape[0], views = shape[1], width = shape[2]
    let z = embeddings.value.scalars
    let (losses, normalized, norms, weights) = SelfSupervisedKernels.dcl(
        z, batch: batch, views: views, width: width, temperature: temperature, keepWeights: true)
    return Variable(Tensor(shape: [batch], scalars: losses), parents: [embeddings]) { g in
        var gradient = [Float](repeating: 0, count: z.count)
        var gradU = [Float](repeating: 0, count: views * width)
        let inverseT = 1 / temperature
        for b in 0..<batch {
            let upstream = g.scalars[b]
            if upstream == 0 { continue }
            for i in gradU.indices { gradU[i] = 0 }
            let base = b * views * width
            for k in 1..<views {
                for l in 0..<views where l != k {
                    // ∂L/∂s_kl, times ∂s_kl/∂u_k = u_l/τ and ∂s_kl/∂u_l = u_k/τ.
                    let c = (weights[(b * views + k) * views + l] - (l == 0 ? 1 : 0)) * inverseT * upstream
                    if c == 0 { continue }
                    for j in 0..<width {
                        gradU[k * width + j] += c * normalized[base + l * width + j]
                        gradU[l * width + j] += c * normalized[base + k * width + j]
                    }
                }
            }
            for v in 0..<views {
                let norm = norms[b * views + v]
                guard norm > 0 else { continue }
                let offset = base + v * width
                var dot: Float = 0
                for j in 0..<width { dot += normalized[offset + j] * gradU[v * width + j] }
                for j in 0..<width {
                    gradient[offset + j] = (gradU[v * width + j] - normalized[offset + j] * dot) / norm
                }
            }
        }
        embeddings.accumulate(Tensor(shape: shape, scalars: gradient))
    }
}

/// Softmax cross-entropy of integer class labels, averaged over the batch, in nats:
///
///     L = (1/B) Σ_i [ log Σ_c exp(x_ic) - x_i,y_i ]
///
/// computed with the row maximum subtracted, so any finite logits give a finite loss. Gradient
/// `(softmax(x_i) - onehot(y_i)) / B`. Shapes: `logits` `[batch, classes]`, `labels` `batch`
/// integers in `0..<classes`; result `[]`.
/// - Precondition: rank-2 logits, one label per row, every label a valid class.
public func softmaxCrossEntropy(logits: Variable, labels: [Int]) -> Variable {
    let shape = logits.shape
    precondition(shape.count == 2 && labels.count == shape[0], "softmaxCrossEntropy: logits \(shape), \(labels.count) labels")
    let batch = shape[0], classes = shape[1]
    precondition(labels.allSatisfy { (0..<classes).contains($0) }, "softmaxCrossEntropy: a label is outside 0..<\(classes)")
    var probabilities = logits.value.scalars
    var total: Float = 0
    for i in 0..<batch {
        let row = i * classes..<((i + 1) * classes)
        let logSum = SelfSupervisedKernels.logSumExp(probabilities[row])
        total += logSum - probabilities[row.lowerBound + labels[i]]
        for j in row { probabilities[j] = expf(probabilities[j] - logSum) }
    }
    let scale = 1 / Float(max(batch, 1))
    return Variable(Tensor(scalar: total * scale), parents: [logits]) { g in
        var gradient = probabilities
        for i in 0..<batch { gradient[i * classes + labels[i]] -= 1 }
        let step = g.scalar * scale
        for j in gradient.indices { gradient[j] *= step }
        logits.accumulate(Tensor(shape: shape, scalars: gradient))
    }
}

/// Plain-tensor kernels shared by the fused losses and by the detectors' graph-free scoring.
public enum SelfSupervisedKernels {
    /// `‖x_i‖₂` of each row of a `[rows, features]` tensor.
    public static func rowNorms(_ x: Tensor) -> [Float] {
        let width = x.shape.last ?? 0
        let rows = width == 0 ? 0 : x.count / width
        return x.scalars.withUnsafeBufferPointer { p in
            (0..<rows).map { r in
                var total: Float = 0
                for j in (r * width)..<((r + 1) * width) { total += p[j] * p[j] }
                return total.squareRoot()
            }
        }
    }

    /// `log Σ exp(x)` with the maximum subtracted.
    public static func logSumExp(_ x: ArraySlice<Float>) -> Float {
        guard let top = x.max(), top.isFinite else { return x.max() ?? -.infinity }
        var total: Float = 0
        for v in x { total += expf(v - top) }
        return top + logf(total)
    }

    /// The `TripletDistance` between rows `a[row ..< row + width]` and `b[row ..< row + width]`.
    static func distance(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, _ row: Int, _ width: Int, _ kind: TripletDistance
    ) -> Float {
        var dot: Float = 0, aa: Float = 0, bb: Float = 0, squared: Float = 0
        for j in row..<(row + width) {
            let x = a[j], y = b[j]
            dot += x * y
            aa += x * x
            bb += y * y
            squared += (x - y) * (x - y)
        }
        switch kind {
        case .squaredEuclidean: return squared
        case .euclidean: return squared.squareRoot()
        case .cosine:
            let denominator = (aa * bb).squareRoot()
            return denominator > 0 ? 1 - dot / denominator : 1
        }
    }

    /// The `TripletDistance` between two rows given as arrays.
    static func distance(_ a: [Float], _ b: [Float], _ kind: TripletDistance) -> Float {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in distance(a, b, 0, min(a.count, b.count), kind) } }
    }

    /// Adds `scale · ∂D(a, b)/∂a` and `scale · ∂D(a, b)/∂b` of the rows at `row` into the two gradients.
    static func accumulateDistanceGradient(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, _ row: Int, _ width: Int, _ kind: TripletDistance,
        scale: Float, into gradA: UnsafeMutableBufferPointer<Float>, _ gradB: UnsafeMutableBufferPointer<Float>
    ) {
        let range = row..<(row + width)
        switch kind {
        case .squaredEuclidean:
            for j in range {
                let d = 2 * (a[j] - b[j]) * scale
                gradA[j] += d
                gradB[j] -= d
            }
        case .euclidean:
            var squared: Float = 0
            for j in range { squared += (a[j] - b[j]) * (a[j] - b[j]) }
            let norm = squared.squareRoot()
            guard norm > 0 else { return }
            for j in range {
                let d = (a[j] - b[j]) / norm * scale
                gradA[j] += d
                gradB[j] -= d
            }
        case .cosine:
            var dot: Float = 0, aa: Float = 0, bb: Float = 0
            for j in range {
                dot += a[j] * b[j]
                aa += a[j] * a[j]
                bb += b[j] * b[j]
            }
            guard aa > 0, bb > 0 else { return }
            let na = aa.squareRoot(), nb = bb.squareRoot()
            let cosine = dot / (na * nb)
            for j in range {
                // D = 1 - cos: ∂D/∂a = -(b/(|a||b|) - cos a/|a|²), ∂D/∂b = -(a/(|a||b|) - cos b/|b|²).
                gradA[j] -= (b[j] / (na * nb) - cosine * a[j] / aa) * scale
                gradB[j] -= (a[j] / (na * nb) - cosine * b[j] / bb) * scale
            }
        }
    }

    /// The DCL of each sample of row-major embeddings `[batch, views, width]` (see
    /// `deterministicContrastiveLoss`), with the normalized embeddings, their norms and (when
    /// `keepWeights`) the softmax weights `p_kl` `[batch, views, views]` for the backward pass.
    public static func dcl(
        _ z: [Float], batch: Int, views: Int, width: Int, temperature: Float, keepWeights: Bool = false
    ) -> (losses: [Float], normalized: [Float], norms: [Float], weights: [Float]) {
        var normalized = z
        var norms = [Float](repeating: 0, count: batch * views)
        for r in 0..<(batch * views) {
            var total: Float = 0
            for j in (r * width)..<((r + 1) * width) { total += z[j] * z[j] }
            let norm = total.squareRoot()
            norms[r] = norm
            let inverse: Float = norm > 0 ? 1 / norm : 0
            for j in (r * width)..<((r + 1) * width) { normalized[j] = z[j] * inverse }
        }
        var losses = [Float](repeating: 0, count: batch)
        var weights = keepWeights ? [Float](repeating: 0, count: batch * views * views) : []
        var similarity = [Float](repeating: 0, count: views)
        let inverseT = 1 / temperature
        for b in 0..<batch {
            let base = b * views * width
            var loss: Float = 0
            for k in 1..<views {
                var top = -Float.infinity
                for l in 0..<views where l != k {
                    var dot: Float = 0
                    for j in 0..<width { dot += normalized[base + k * width + j] * normalized[base + l * width + j] }
                    similarity[l] = dot * inverseT
                    top = max(top, similarity[l])
                }
                var total: Float = 0
                for l in 0..<views where l != k { total += expf(similarity[l] - top) }
                let logSum = top + logf(total)
                loss += logSum - similarity[0]
                if keepWeights {
                    for l in 0..<views where l != k {
                        weights[(b * views + k) * views + l] = expf(similarity[l] - logSum)
                    }
                }
            }
            losses[b] = loss
        }
        return (losses, normalized, norms, weights)
    }
}
