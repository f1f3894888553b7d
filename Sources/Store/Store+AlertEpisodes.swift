import Alerts
import GRDB

extension Store {
    /// Records that the alert episode stored as row `id` grew: it now counts `count` crossings,
    /// the newest received at `lastReceiveTime`, with peaks `maxScore` and `maxSeverity`.
    ///
    /// The values are absolute (the episode as far as it has grown), so a lost or repeated
    /// update is harmless. The daemon's alert writer batches these into its `recordAlerts`
    /// transactions (`recordAlerts(_:extendingEpisodes:)`); this is the one-row form.
    ///
    /// - Parameters:
    ///   - id: the episode's row, as `recordAlerts` returned it.
    ///   - count: crossings in the episode, first alert included, >= 1.
    ///   - lastVectorTime: the newest crossing's vector timestamp, seconds since the Unix epoch.
    ///   - lastReceiveTime: when aed received it, seconds since the Unix epoch.
    ///   - maxScore: the largest anomaly score in the episode.
    ///   - maxSeverity: the largest anomalyScore / threshold in the episode.
    /// - Returns: false when no row has this id (pruned or never stored); nothing is written.
    /// - Throws: `StoreError.invalidArgument` (count below 1, a NaN), `StoreError.readOnly`,
    ///   GRDB's `DatabaseError`.
    @discardableResult
    public func extendAlertEpisode(
        id: Int64, count: Int, lastVectorTime: Double, lastReceiveTime: Double, maxScore: Double, maxSeverity: Double
    ) throws -> Bool {
        let update = AlertEpisodeUpdate(
            alertID: id,
            episode: AlertEpisode(
                count: count, lastVectorTime: lastVectorTime, lastReceiveTime: lastReceiveTime, maxScore: maxScore,
                maxSeverity: maxSeverity))
        try Self.validate(update.episode, of: "alert \(id)")
        return try write { db in try Self.apply(update, in: db) }
    }

    /// Sets row `update.alertID`'s episode columns; returns false when the row does not exist.
    static func apply(_ update: AlertEpisodeUpdate, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            UPDATE alerts SET episode_count = ?, last_vector_time = ?, last_receive_time = ?,
                max_score = ?, max_severity = ?
            WHERE id = ?
            """)
        let episode = update.episode
        statement.setUncheckedArguments([
            episode.count, episode.lastVectorTime, episode.lastReceiveTime, episode.maxScore, episode.maxSeverity,
            update.alertID,
        ])
        try statement.execute()
        return db.changesCount == 1
    }

    /// Refuses an episode count below 1 and NaN times, scores or severities.
    static func validate(_ episode: AlertEpisode, of owner: String) throws {
        guard episode.count >= 1 else {
            throw StoreError.invalidArgument("\(owner): episode count must be >= 1, got \(episode.count)")
        }
        let numbers = [
            ("lastVectorTime", episode.lastVectorTime), ("lastReceiveTime", episode.lastReceiveTime),
            ("maxScore", episode.maxScore), ("maxSeverity", episode.maxSeverity),
        ]
        for (name, value) in numbers where value.isNaN {
            throw StoreError.invalidArgument("\(owner): episode \(name) is NaN")
        }
    }
}
