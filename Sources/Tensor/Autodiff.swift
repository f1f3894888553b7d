// Reverse-mode automatic differentiation: the graph node `Variable` and `backward()`.
//
// How to train a model (Detectors' `TrainableStack` does this for every layer stack of a
// detector, `DenseStack` scores with the fitted values):
//
//     BLAS.setThreadCount(1)                       // bit-identical runs
//     var rng = Xoshiro256StarStar(seed: 42)
//     let weight = Variable(.randomNormal([38, 16], standardDeviation: 0.2, using: &rng), requiresGradient: true)
//     let bias = Variable(.zeros([16]), requiresGradient: true)
//     let decoder = Variable(.randomNormal([16, 38], standardDeviation: 0.2, using: &rng), requiresGradient: true)
//     let parameters = [                           // named by checkpoint key
//         NamedParameter(name: "encoder.0.weight", variable: weight),
//         NamedParameter(name: "encoder.0.bias", variable: bias),
//         NamedParameter(name: "decoder.0.weight", variable: decoder),
//     ]
//     var optimizer = Adam(learningRate: 1e-3)
//     for batch in batches {                       // Tensor [batch, features]
//         let code = Variable.affine(Variable(batch), weight: weight, bias: bias).relu()
//         let loss = meanSquaredError(Variable.matmul(code, decoder), batch)  // records the graph
//         loss.backward()                          // fills .gradient of every parameter
//         try optimizer.step(parameters)           // throws on non-finite gradients
//     }
//     let code = Tensor.affine(batch, weight: weight.value, bias: bias.value, rectified: true)
//     let reconstruction = Tensor.matmul(code, decoder.value)  // plain Tensors: no graph, for scoring
//     let blob = Checkpoint.encode(parameters)     // [UInt8], into SQLite
//     let stored = try Checkpoint.decode(blob)     // [(name, tensor)] in the same order
//
// A VAE step (`encoder` and `decoder` map a `Variable` to a `Variable`; the encoder's head is
// `[batch, 2 * latent]`, the Gaussian decoder has unit variance):
//
//     let head = encoder(Variable(batch))
//     let mean = head.slice(features: 0..<latent)
//     let logVariance = head.slice(features: latent..<(2 * latent))
//     let z = reparameterize(mean: mean, logVariance: logVariance, using: &rng)
//     let negativeELBO = gaussianNegativeLogLikelihood(batch, mean: decoder(z),
//             logVariance: Variable(.zeros([])))
//         + klDivergence(mean: mean, logVariance: logVariance)
//     negativeELBO.backward()
//     try optimizer.step(encoderParameters + decoderParameters)
//
// Each differentiable op (Variable+*.swift) computes its value with the Tensor kernels and
// hands `Variable.init(_:parents:backward:)` a closure that maps the upstream gradient to
// each parent's contribution, beside the forward math (micrograd style). `backward()` sorts
// the graph topologically once and runs the closures in reverse; contributions accumulate
// with `+=`, so a node used twice (`x * x + x`) receives both.

/// A node of the autodiff graph: a value, its gradient, and how to pass gradients back.
///
/// Leaves are inputs (`Variable(tensor)`, no gradient) or parameters
/// (`Variable(tensor, requiresGradient: true)`). Every differentiable op returns a new
/// `Variable` that remembers its parents until it is released; a graph belongs to one thread
/// at a time. Plain `Tensor` code is the no-graph inference path.
public final class Variable {
    /// The forward value.
    public internal(set) var value: Tensor
    /// `∂loss/∂value` after `backward()`, or `nil` if no gradient reached this node.
    public var gradient: Tensor?
    /// Whether gradients are computed for this node (true for parameters and anything
    /// computed from one).
    public let requiresGradient: Bool

    let parents: [Variable]
    /// Adds this node's contribution to its parents' gradients, given `∂loss/∂value`.
    let backwardStep: ((Tensor) -> Void)?

    /// Creates a leaf: a constant input (`requiresGradient: false`) or a parameter.
    public init(_ value: Tensor, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.parents = []
        self.backwardStep = nil
    }

    /// Creates an op's result: a custom differentiable op calls this with its forward value
    /// and a closure that, given `∂loss/∂value`, calls `accumulate(_:)` on each parent that
    /// `requiresGradient`. The closure is kept only if some parent needs a gradient.
    public init(_ value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> Void) {
        self.value = value
        self.parents = parents
        let needed = parents.contains { $0.requiresGradient }
        self.requiresGradient = needed
        self.backwardStep = needed ? backward : nil
    }

    /// The shape of `value`.
    public var shape: [Int] { value.shape }

    /// Adds `contribution` to `gradient` (the first contribution is stored without a copy).
    /// - Precondition: `contribution` has this node's shape.
    public func accumulate(_ contribution: Tensor) {
        precondition(
            contribution.shape == value.shape,
            "gradient shape \(contribution.shape) != value shape \(value.shape)")
        if var existing = gradient {
            gradient = nil  // keep `existing` uniquely referenced: add in place, no copy
            existing += contribution
            gradient = existing
        } else {
            gradient = contribution
        }
    }

    /// Replaces the value of a parameter in place (used by optimizers and checkpoint loading).
    /// - Precondition: the shape is unchanged.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "assign: \(newValue.shape) != \(value.shape)")
        value = newValue
    }

    /// Mutates the elements of the value in place (used by optimizers).
    /// - Precondition: `body` keeps the element count.
    public func updateValue(_ body: (inout [Float]) -> Void) {
        let count = value.count
        body(&value.scalars)
        precondition(value.count == count, "updateValue: element count changed from \(count) to \(value.count)")
    }

    /// Back-propagates from this scalar: `gradient = 1` here, then every node's backward step
    /// in reverse topological order, so each parameter's `gradient` is `∂self/∂parameter`.
    ///
    /// Gradients accumulate into parameters that already hold one; optimizers clear them.
    /// - Precondition: `value.count == 1` (a loss).
    public func backward() {
        precondition(value.count == 1, "backward: needs a scalar, got shape \(value.shape)")
        let order = topologicalOrder()
        accumulate(Tensor(shape: value.shape, scalars: [1]))
        for node in order.reversed() {
            guard let step = node.backwardStep, let upstream = node.gradient else { continue }
            step(upstream)
            node.gradient = nil  // intermediate gradients are not needed after their step
        }
    }

    /// Nodes reachable from `self` that need gradients, each after all of its parents.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: (node, parentsPushed).
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            guard node.requiresGradient, visited.insert(ObjectIdentifier(node)).inserted else {
                continue
            }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGradient {
                if !visited.contains(ObjectIdentifier(parent)) { stack.append((parent, false)) }
            }
        }
        return order
    }
}
