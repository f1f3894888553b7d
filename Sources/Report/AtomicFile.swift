import Foundation

/// Writing a file so that readers see the old file or the new one, never a half-written one.
public enum AtomicFile {
    /// Writes `data` to a new temporary file in `url`'s folder, flushes it to disk, then renames
    /// it over `url` (rename(2) is atomic within a file system). The file gets mode 0644 less
    /// the umask.
    /// - Throws: `ReportWriteError` naming the path and the system's reason when the temporary
    ///   file cannot be created or written or the rename fails; the temporary file is removed.
    public static func write(_ data: Data, to url: URL) throws {
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReportWriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if close(fd) != 0 && failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw ReportWriteError(path: path, reason: failure)
        }
    }
}

/// A report file could not be written.
public struct ReportWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file that was to be written.
    public var path: String
    /// The system's reason (`No such file or directory`, `Permission denied`, ...).
    public var reason: String

    /// Creates the error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot write report.html: Permission denied`.
    public var description: String { "cannot write \(path): \(reason)" }
}
