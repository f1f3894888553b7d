/// Layers applied in order: `output = layer_n(... layer_1(input))`.
///
/// Parameters are named by the layer's index, as in PyTorch: `0.weight`, `0.bias`,
/// `2.weight`, ...; a model prefixes them (`encoder.0.weight`) with `prefixed(_:)`.
public final class Sequential: Layer {
    /// The layers, first applied first.
    public let layers: [any Layer]

    /// Creates the container.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// Runs every layer, recording the graph.
    public func callAsFunction(_ input: Variable) -> Variable {
        layers.reduce(input) { x, layer in layer(x) }
    }

    /// Runs every layer on plain tensors (no graph); activations work in place on the
    /// previous layer's fresh output.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        for layer in layers {
            if let activation = layer as? Activation {
                activation.function.applyInPlace(&x)
            } else {
                x = layer(x)
            }
        }
        return x
    }

    /// Every layer frozen, in order.
    public func frozen() -> FrozenLayer { .sequence(layers.map { $0.frozen() }) }

    /// Every layer's parameters, prefixed by its index.
    public var parameters: [NamedParameter] {
        layers.enumerated().flatMap { index, layer in layer.parameters.prefixed(String(index)) }
    }
}
