import Foundation

/// Resolves the control endpoint aectl talks to.
///
/// Order: the `--control` option; the `AED_CONTROL` environment variable;
/// `ipc://<AED_STATE_DIR>/control.sock` when `AED_STATE_DIR` is set; the installed service's
/// `ipc:///run/aed/control.sock` when that socket exists; else `ipc://./state/control.sock`
/// (the daemon's default state directory `./state`).
public enum ControlEndpoint {
    /// The installed service's socket path.
    public static let servicePath = "/run/aed/control.sock"
    /// The default state directory of a foreground `aed`.
    public static let defaultStateDirectory = "./state"

    /// The control endpoint inside `stateDirectory`.
    public static func inStateDirectory(_ stateDirectory: String) -> String {
        "ipc://\(stateDirectory.hasSuffix("/") ? String(stateDirectory.dropLast()) : stateDirectory)/control.sock"
    }

    /// Resolves the endpoint (see the type's summary for the order).
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["AED_CONTROL"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let stateDirectory = environment["AED_STATE_DIR"], !stateDirectory.isEmpty {
            return inStateDirectory(stateDirectory)
        }
        if fileExists(servicePath) { return "ipc://\(servicePath)" }
        return inStateDirectory(defaultStateDirectory)
    }
}
