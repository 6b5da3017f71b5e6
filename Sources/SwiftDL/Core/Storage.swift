#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of memory that tensors view. Either owned (allocated here, 64-byte aligned for
/// SIMD and BLAS) or borrowed from someone else (a numpy array), in which case `release`
/// runs exactly once when the last tensor viewing it goes away.
public final class Storage: @unchecked Sendable {
    public static let alignment = 64
    /// Buffers at least this large are advised to use transparent huge pages (BufferCache).
    static let hugePageThreshold = 4 << 20

    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    private let release: (() -> Void)?
    /// The size of the block when it came from `BufferCache` (and goes back there), else 0.
    private let cachedSize: Int

    /// Allocates `byteCount` bytes; throws a memory error instead of trapping when the
    /// allocation fails, so `zeros((10**12,))` is a Python `MemoryError`. Large buffers are
    /// recycled through `BufferCache`; small ones come from malloc.
    public init(byteCount: Int, zeroed: Bool = false) throws {
        // A zero-byte tensor still gets a valid, distinct pointer.
        let size = max(byteCount, Storage.alignment)
        if let mapped = BufferCache.mappedSize(size) {
            guard let block = BufferCache.take(mapped) else {
                throw SDLError(.memory, "[alloc] could not allocate \(byteCount) bytes")
            }
            if zeroed { memset(block, 0, size) }
            self.base = block
            self.byteCount = byteCount
            self.release = nil
            self.cachedSize = mapped
            return
        }
        var pointer: UnsafeMutableRawPointer? = nil
        let status = posix_memalign(&pointer, Storage.alignment, size)
        guard status == 0, let allocated = pointer else {
            throw SDLError(.memory, "[alloc] could not allocate \(byteCount) bytes")
        }
        if zeroed { memset(allocated, 0, size) }
        self.base = allocated
        self.byteCount = byteCount
        self.release = nil
        self.cachedSize = 0
    }

    /// Wraps memory owned elsewhere without copying. `release` is called once, when this
    /// storage is deinitialised; it must not call back into the engine.
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, release: @escaping () -> Void) {
        self.base = base
        self.byteCount = byteCount
        self.release = release
        self.cachedSize = 0
    }

    public var isBorrowed: Bool { release != nil }

    deinit {
        if let release {
            release()
        } else if cachedSize > 0 {
            BufferCache.give(base, size: cachedSize)
        } else {
            free(base)
        }
    }
}
