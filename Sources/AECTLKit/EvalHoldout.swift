import Detectors

/// Which held-out rows of the training file `aectl eval` calibrates the threshold on.
public enum EvalHoldout: Sendable, Equatable {
    /// The fit's seeded random validation split (`DetectorOptions.validationFraction`), which also
    /// decides early stopping.
    case validation
    /// The daemon's time-ordered block holdout (`BlockHoldout`) of `holdoutFraction` of the rows:
    /// the fit sees only the training blocks, the threshold is calibrated on the held-out blocks.
    case blocks(holdoutFraction: Double)

    /// The holdout without its parameters: what `--holdout` names.
    public enum Kind: String, Sendable, CaseIterable {
        case validation
        case blocks
    }

    /// Which holdout this is.
    public var kind: Kind {
        switch self {
        case .validation: .validation
        case .blocks: .blocks
        }
    }

    /// `validation` or `blocks`, as in `--holdout`.
    public var name: String { kind.rawValue }
}
