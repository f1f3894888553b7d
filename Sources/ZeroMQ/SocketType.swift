import CZeroMQ

/// The ZeroMQ socket patterns the wrapper supports (RFC 28, 29, 30 of the ZeroMQ spec).
public enum SocketType: Sendable, CaseIterable {
    /// Publisher of a PUB/SUB pair; drops messages when a subscriber lags (see `XPUB_NODROP`).
    case pub
    /// Subscriber; receives nothing until `subscribe` is set.
    case sub
    /// Extended publisher: also receives subscription messages (`[0x01|0x00][prefix]`).
    case xpub
    /// Extended subscriber.
    case xsub
    /// Request side of REQ/REP: strict send, receive alternation.
    case req
    /// Reply side of REQ/REP.
    case rep
    /// Asynchronous request side.
    case dealer
    /// Asynchronous reply side with identity frames.
    case router
    /// Pipeline sender.
    case push
    /// Pipeline receiver.
    case pull
    /// Exclusive pair.
    case pair

    var rawValue: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .xpub: ZMQ_XPUB
        case .xsub: ZMQ_XSUB
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        case .dealer: ZMQ_DEALER
        case .router: ZMQ_ROUTER
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .pair: ZMQ_PAIR
        }
    }
}
