extension Array where Element == NamedParameter {
    /// The parameter values by name (value types: safe to hand to another thread).
    public var tensors: [(name: String, tensor: Tensor)] { map { ($0.name, $0.variable.value) } }

    /// Clears every gradient.
    public func zeroGradients() { forEach { $0.variable.gradient = nil } }
}
