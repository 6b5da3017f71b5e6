/// Which reduction a pooling window applies.
public enum PoolingKind: Int32, Sendable {
    case max = 0
    case average = 1

    public func name(rank: Int) -> String { (self == .max ? "max_pool" : "avg_pool") + (rank == 3 ? "1d" : "2d") }
}
