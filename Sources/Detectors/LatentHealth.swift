import Foundation

/// How much of a variational autoencoder's latent space its posterior uses, measured on the
/// training data after a fit: the signs of posterior collapse.
///
/// A collapsed posterior `q(z|x) ≈ p(z)` carries no information about `x`: its KL divergence to
/// the prior is near 0 and its mean does not vary with `x`, so the likelihood score reduces to
/// the decoder's average output and stops telling anomalies apart, silently. A unit is *active*
/// when the variance over `x` of its posterior mean exceeds 0.01 (Burda, Grosse and
/// Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016, section 5.2).
public struct LatentHealth: Codable, Sendable, Equatable {
    /// Mean KL divergence `KL(q(z_j|x) ‖ N(0, 1))` of each latent dimension `j` over the
    /// training data, nats; `[latentDimensions]`.
    public var klPerDimension: [Double]
    /// The activity `Var_x(E_q[z_j|x])` of each latent dimension, `[latentDimensions]`.
    public var activity: [Double]

    /// Activity above which a unit counts as active (Burda et al., 2016).
    public static let activityThreshold = 0.01

    /// Wraps measured values (both arrays `[latentDimensions]`).
    public init(klPerDimension: [Double], activity: [Double]) {
        self.klPerDimension = klPerDimension
        self.activity = activity
    }

    /// The latent dimension.
    public var latentDimensions: Int { activity.count }
    /// The number of active units (activity above `activityThreshold`).
    public var activeUnits: Int { activity.filter { $0 > Self.activityThreshold }.count }
    /// The total KL divergence to the prior, nats.
    public var totalKL: Double { klPerDimension.reduce(0, +) }

    /// Healthy (every unit active), partly collapsed, or collapsed (no unit active).
    public enum State: String, Codable, Sendable {
        case healthy, partlyCollapsed = "partly-collapsed", collapsed
    }

    /// The state the active-unit count gives.
    public var state: State {
        switch activeUnits {
        case latentDimensions: .healthy
        case 0: .collapsed
        default: .partlyCollapsed
        }
    }

    /// One line for operators, e.g. `1 of 4 latent units active (KL 0.00 0.00 1.93 0.00 nats):
    /// posterior partly collapsed`.
    public var summary: String {
        let kl = klPerDimension.map { String(format: "%.2f", $0) }.joined(separator: " ")
        let head = "\(activeUnits) of \(latentDimensions) latent units active (KL \(kl) nats)"
        switch state {
        case .healthy: return head
        case .partlyCollapsed: return head + ": posterior partly collapsed"
        case .collapsed: return head + ": posterior collapsed, the VAE score no longer depends on the latent code"
        }
    }
}
