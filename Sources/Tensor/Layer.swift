/// A building block of a model: a differentiable forward pass, a no-graph inference pass,
/// and its parameters by dotted name.
public protocol Layer: AnyObject {
    /// The training forward pass; records the graph for `backward()`.
    func callAsFunction(_ input: Variable) -> Variable
    /// The inference forward pass on plain tensors: no graph, for scoring.
    func callAsFunction(_ input: Tensor) -> Tensor
    /// The parameters, named relative to this layer (`weight`, `0.bias`, ...).
    var parameters: [NamedParameter] { get }
    /// An immutable, `Sendable` copy of the layer with its current weights, for scoring.
    func frozen() -> FrozenLayer
}
