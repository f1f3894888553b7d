import Foundation

/// Why the daemon could not start.
public enum DaemonError: Error, CustomStringConvertible, Equatable {
    case stateDirectory(path: String, reason: String)
    case store(reason: String)
    case socket(endpoint: String, reason: String)

    public var description: String {
        switch self {
        case .stateDirectory(let path, let reason): return "cannot create state directory \(path): \(reason)"
        case .store(let reason): return "store: \(reason)"
        case .socket(let endpoint, let reason): return "cannot bind or connect \(endpoint): \(reason)"
        }
    }
}
