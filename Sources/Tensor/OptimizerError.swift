/// Why an optimizer refused a step.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// Some gradients hold NaN or infinity; nothing was applied.
    case nonFiniteGradients(parameters: [String])

    /// A one-line explanation for logs and training-run records.
    public var description: String {
        switch self {
        case .nonFiniteGradients(let names):
            return "optimizer step refused: non-finite gradients in \(names.joined(separator: ", "))"
        }
    }
}
