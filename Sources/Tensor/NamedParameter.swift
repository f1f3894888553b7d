/// A parameter with its dotted name, e.g. `encoder.0.weight`; the name is its checkpoint key.
public struct NamedParameter {
    /// The dotted path, e.g. `decoder.2.bias`.
    public let name: String
    /// The parameter node; optimizers update its value from its gradient.
    public let variable: Variable

    /// Pairs a name with a parameter node.
    public init(name: String, variable: Variable) {
        self.name = name
        self.variable = variable
    }
}
