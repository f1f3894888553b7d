extension Array where Element == NamedParameter {
    /// The same parameters with `prefix.` in front of every name.
    public func prefixed(_ prefix: String) -> [NamedParameter] {
        map { NamedParameter(name: prefix + "." + $0.name, variable: $0.variable) }
    }

    /// The parameter values by name (value types: safe to hand to another thread).
    public var tensors: [(name: String, tensor: Tensor)] { map { ($0.name, $0.variable.value) } }

    /// Clears every gradient.
    public func zeroGradients() { forEach { $0.variable.gradient = nil } }
}

extension Layer {
    /// Replaces every parameter value by the tensor of the same name.
    ///
    /// - Throws: `CheckpointError.missingParameter` if a parameter has no tensor,
    ///   `.unexpectedParameter` for a tensor that names no parameter, `.shapeMismatch` if a
    ///   shape differs. Nothing is assigned unless all match.
    public func load(_ tensors: [(name: String, tensor: Tensor)]) throws {
        try parameters.load(tensors)
    }
}

extension Array where Element == NamedParameter {
    /// Replaces every parameter value by the tensor of the same name; see `Layer.load(_:)`.
    /// - Throws: `CheckpointError` when names or shapes do not match; then nothing changes.
    public func load(_ tensors: [(name: String, tensor: Tensor)]) throws {
        var byName: [String: Tensor] = [:]
        for (name, tensor) in tensors {
            guard byName.updateValue(tensor, forKey: name) == nil else {
                throw CheckpointError.duplicateName(name)
            }
        }
        for parameter in self {
            guard let tensor = byName[parameter.name] else {
                throw CheckpointError.missingParameter(parameter.name)
            }
            guard tensor.shape == parameter.variable.shape else {
                throw CheckpointError.shapeMismatch(
                    name: parameter.name, expected: parameter.variable.shape, found: tensor.shape)
            }
        }
        let known = Set(map(\.name))
        if let extra = tensors.first(where: { !known.contains($0.name) }) {
            throw CheckpointError.unexpectedParameter(extra.name)
        }
        for parameter in self {
            if let tensor = byName[parameter.name] { parameter.variable.assign(tensor) }
        }
    }
}
