import Foundation

/// Why the daemon could not start, or stopped without being asked to.
public enum DaemonError: Error, CustomStringConvertible, Equatable {
    /// The state folder (or its lock file) cannot be created or opened.
    case stateDirectory(path: String, reason: String)
    /// The SQLite store cannot be opened, migrated or read.
    case store(reason: String)
    /// An endpoint cannot be bound or connected (in use, malformed, no permission).
    case socket(endpoint: String, reason: String)
    /// Another aed holds the state folder's lock.
    case alreadyRunning(stateDirectory: String)
    /// Something (another aed) answers a control request on the `ipc://` control endpoint.
    case controlInUse(endpoint: String)
    /// The ingest loop ended without a stop request (its sockets failed).
    case ingestEnded
    /// The metrics endpoint cannot listen on its address (`daemon.metrics_listen`: in use, not
    /// an address of this machine, no permission).
    case metricsListen(address: String, reason: String)

    public var description: String {
        switch self {
        case .stateDirectory(let path, let reason): return "cannot create state directory \(path): \(reason)"
        case .store(let reason): return "store: \(reason)"
        case .socket(let endpoint, let reason): return "cannot bind or connect \(endpoint): \(reason)"
        case .alreadyRunning(let directory): return "another aed is running on the state folder \(directory) (aed.lock is held)"
        case .controlInUse(let endpoint):
            return "another aed answers at \(endpoint); stop it or give this one another --control endpoint"
        case .ingestEnded: return "the ingest loop ended without a stop request"
        case .metricsListen(let address, let reason):
            return "cannot serve metrics on daemon.metrics_listen = \"\(address)\": \(reason)"
        }
    }

    /// Creates the state folder `path` (and its parents) unless it exists.
    /// - Throws: `DaemonError.stateDirectory` with the system's reason ("it is a file, not a
    ///   folder", "Permission denied", ...).
    static func createStateDirectory(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw DaemonError.stateDirectory(path: path, reason: "it is a file, not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            // Show the POSIX cause (the underlying error, else errno of the failed mkdir), not
            // the whole NSError.
            let code = errno
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = String(cString: strerror(underlying.map { Int32($0.code) } ?? code))
            throw DaemonError.stateDirectory(path: path, reason: reason)
        }
    }
}
