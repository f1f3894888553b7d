// The Store module has a class named Store, so its types cannot be qualified as Store.X;
// this file imports only Store and names the types that clash with Wire's.
import Store

/// An alert row read back from the store.
typealias StoredAlert = AlertRecord
/// A feature's share of an alert's score, as the store keeps it.
typealias StoredFeatureContribution = FeatureContribution
