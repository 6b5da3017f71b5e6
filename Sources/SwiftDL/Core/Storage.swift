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
    /// Buffers at least this large are advised to use transparent huge pages.
    static let hugePageThreshold = 4 << 20

    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    private let release: (() -> Void)?

    /// Allocates `byteCount` bytes; throws a memory error instead of trapping when the
    /// allocation fails, so `zeros((10**12,))` is a Python `MemoryError`.
    public init(byteCount: Int, zeroed: Bool = false) throws {
        var pointer: UnsafeMutableRawPointer? = nil
        // A zero-byte tensor still gets a valid, distinct pointer.
        let size = max(byteCount, Storage.alignment)
        let status = posix_memalign(&pointer, Storage.alignment, size)
        guard status == 0, let allocated = pointer else {
            throw SDLError(.memory, "[alloc] could not allocate \(byteCount) bytes")
        }
        #if os(Linux)
        // NOTE: a fresh large buffer costs one page fault (and a zeroed page) per 4 KiB on
        // first touch, which dominates elementwise ops on big arrays. Asking for transparent
        // huge pages, as numpy does, makes that one fault per 2 MiB. Purely advisory. The
        // buffer is not over-aligned for it: a bigger request than numpy's for the same size
        // keeps glibc from recycling freed blocks of that size, and every op then faults.
        if size >= Storage.hugePageThreshold {
            let page = 4096
            let start = (Int(bitPattern: allocated) + page - 1) & ~(page - 1)
            let end = (Int(bitPattern: allocated) + size) & ~(page - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
        if zeroed { memset(allocated, 0, size) }
        self.base = allocated
        self.byteCount = byteCount
        self.release = nil
    }

    /// Wraps memory owned elsewhere without copying. `release` is called once, when this
    /// storage is deinitialised; it must not call back into the engine.
    public init(borrowing base: UnsafeMutableRawPointer, byteCount: Int, release: @escaping () -> Void) {
        self.base = base
        self.byteCount = byteCount
        self.release = release
    }

    public var isBorrowed: Bool { release != nil }

    deinit {
        if let release { release() } else { free(base) }
    }
}
