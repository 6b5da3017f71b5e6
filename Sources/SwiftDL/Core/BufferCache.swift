#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Large engine buffers, kept for reuse after their tensors die.
///
/// A training step allocates the same buffers, of the same sizes, every step: activations,
/// their gradients, im2col scratch, optimizer temporaries. Handing a freed block straight to
/// the next request of the same size makes steady-state training allocate (and page-fault)
/// almost nothing. Blocks of `minimumBytes` and more are mapped with `mmap` here, not taken
/// from malloc: glibc raises its mmap threshold after the first large `free`, and large
/// blocks then land on its heap, which fragments and never shrinks (peak RSS tripled in
/// `predict` at batch 256 that way). An evicted block is unmapped, so the memory really
/// goes back to the system.
///
/// The cache holds at most `capacityBytes`; a block that does not fit is unmapped, and a
/// miss first evicts the longest-cached blocks until the new one fits, so memory that one
/// phase (training) used does not stay pinned through the next (predict). (Emptying the
/// whole cache on such a miss, as it once did, made a step whose blocks just overflow it
/// map nearly everything afresh: page faults took 31% of MobileNetV2's training.)
///
/// When a phase of work ends (a `fit` call), `retire` marks the blocks cached then as stale.
/// A stale block still serves a request of its size (the next `fit` at the same batch size
/// finds all its blocks), but each miss first unmaps stale blocks, oldest first, until as
/// many bytes as it maps are given back: a phase with other sizes (predict at batch 256)
/// replaces training's blocks instead of piling up on them. (Unmapping them all when `fit`
/// ended made the next `fit` map every block afresh: 10-30% of MobileNetV2's epoch.)
enum BufferCache {
    /// Smaller blocks come from malloc, which recycles them well on its own.
    static let minimumBytes = 256 << 10
    private static let page = 4096
    /// A sixteenth of the machine's memory, between 96 MiB and 1 GiB. A training step must
    /// find its activations' blocks here: at 96 MiB, MobileNetV2 at batch 64 (57 MB
    /// activations) mapped most of them afresh every step, and page faults took a third of
    /// the step (1.9 s per 256 samples against 3.3 s, with peak RSS 1.3 GB against 2.5 GB).
    static let capacityBytes: Int = {
        let physical = sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
        return min(1 << 30, max(96 << 20, physical / 16))
    }()

    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    /// Free blocks by mapped size, each with the tick at which it was given back.
    nonisolated(unsafe) private static var blocks: [Int: [(block: UnsafeMutableRawPointer, tick: Int)]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0
    nonisolated(unsafe) private static var tick = 0
    /// Blocks given back at or before this tick are stale (`retire`).
    nonisolated(unsafe) private static var retiredTick = 0

    /// The size actually mapped for a request of `byteCount` bytes, or nil when the request
    /// is small enough for malloc.
    @inline(__always)
    static func mappedSize(_ byteCount: Int) -> Int? {
        guard byteCount >= minimumBytes else { return nil }
        return (byteCount + page - 1) & ~(page - 1)
    }

    /// A block of exactly `size` bytes (a `mappedSize`): a cached one when there is one, else
    /// a fresh mapping; nil when the system has no memory left.
    static func take(_ size: Int) -> UnsafeMutableRawPointer? {
        pthread_mutex_lock(lock)
        if var list = blocks[size], let entry = list.popLast() {
            blocks[size] = list.isEmpty ? nil : list
            cachedBytes -= size
            pthread_mutex_unlock(lock)
            return entry.block
        }
        // A miss: evict the oldest blocks while the cache would crowd this new block out, or
        // while they are stale and fewer stale bytes than it maps have gone (a few dozen
        // sizes at most, so the scan is cheap next to an mmap).
        var evicted: [(UnsafeMutableRawPointer, Int)] = []
        var staleBytesEvicted = 0
        while cachedBytes > 0 {
            var oldest: (size: Int, tick: Int)? = nil
            for (blockSize, list) in blocks {
                if let first = list.first, first.tick < (oldest?.tick ?? .max) { oldest = (blockSize, first.tick) }
            }
            guard let victim = oldest, var list = blocks[victim.size] else { break }
            let stale = victim.tick <= retiredTick
            guard cachedBytes + size > capacityBytes || (stale && staleBytesEvicted < size) else { break }
            evicted.append((list.removeFirst().block, victim.size))
            blocks[victim.size] = list.isEmpty ? nil : list
            cachedBytes -= victim.size
            if stale { staleBytesEvicted += victim.size }
        }
        pthread_mutex_unlock(lock)
        for (block, blockSize) in evicted { munmap(block, blockSize) }
        return map(size)
    }

    /// Takes back a block from `take`: cached when it fits, otherwise unmapped.
    static func give(_ block: UnsafeMutableRawPointer, size: Int) {
        pthread_mutex_lock(lock)
        if cachedBytes + size <= capacityBytes {
            tick += 1
            blocks[size, default: []].append((block, tick))
            cachedBytes += size
            pthread_mutex_unlock(lock)
            return
        }
        pthread_mutex_unlock(lock)
        munmap(block, size)
    }

    /// Marks every block cached now as stale: see the type's comment.
    static func retire() {
        pthread_mutex_lock(lock)
        retiredTick = tick
        pthread_mutex_unlock(lock)
    }

    /// Unmaps every cached block (for `swiftdl.config` and tests).
    static func clear() {
        pthread_mutex_lock(lock)
        let all = blocks
        blocks.removeAll()
        cachedBytes = 0
        pthread_mutex_unlock(lock)
        for (size, list) in all { for entry in list { munmap(entry.block, size) } }
    }

    /// Bytes held by the cache now.
    static var heldBytes: Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return cachedBytes
    }

    private static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        // mmap reports failure as MAP_FAILED, (void *)-1, which Swift does not import.
        guard let block = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            Int(bitPattern: block) != -1
        else { return nil }
        #if os(Linux)
        // NOTE: one page fault (and a zeroed page) per 4 KiB on first touch otherwise; with
        // transparent huge pages it is one per 2 MiB. Purely advisory.
        if size >= Storage.hugePageThreshold { _ = madvise(block, size, MADV_HUGEPAGE) }
        #endif
        return block
    }
}

/// Unmaps the engine's cached free buffers and returns how many bytes that gave back. The
/// cache keeps freed blocks for the next request of their size; when a phase of work ends
/// (a `fit` call), its blocks' sizes are rarely asked for again, and they would stay
/// resident under the next phase's (predict at another batch size).
public func releaseCachedBuffers() -> Int {
    let held = BufferCache.heldBytes
    BufferCache.clear()
    return held
}

/// Marks the engine's cached free buffers as stale, for the end of a phase of work (a `fit`
/// call): they still serve requests of their sizes (the next `fit`), but requests they
/// cannot serve unmap them, as many bytes as each maps, instead of adding to them.
public func retireCachedBuffers() { BufferCache.retire() }

/// Bytes of freed buffers the engine holds for reuse.
public var cachedBufferBytes: Int { BufferCache.heldBytes }
