import Foundation

/// A task executor backed by one thread of its own: tasks that prefer it
/// (`withTaskExecutorPreference`, `Task(executorPreference:)`) run there instead of on Swift's
/// cooperative pool.
///
/// The metrics endpoint's server runs on one, so it answers and stops even while every
/// cooperative thread is blocked (a test blocking on a socket, a host with two cores), as the
/// daemon's other parts, which are plain threads, do. `shutdown()` ends the thread once its
/// queue is empty; a job that still arrives afterwards runs on a short-lived thread.
final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var running = true

    /// Starts the thread, named `name`.
    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard running else {
            condition.unlock()
            let executor = asUnownedTaskExecutor()
            Thread { job.runSynchronously(on: executor) }.start()
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once it ran every queued job.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        let executor = asUnownedTaskExecutor()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                running = false
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: executor) }
        }
    }
}
