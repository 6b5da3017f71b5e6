#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Large engine buffers, carved out of one arena of address space and kept for reuse after
/// their tensors die.
///
/// A training step allocates the same buffers every step: activations, their gradients,
/// im2col scratch, optimizer temporaries. The first touch of fresh memory is expensive (a page
/// fault per page, and ~5 ms per MB on some VMs), so freed memory is kept, not given back.
/// Blocks of `minimumBytes` and more come from here, not from malloc: glibc raises its mmap
/// threshold after the first large `free`, and large blocks then land on its heap, which
/// fragments and never shrinks (peak RSS tripled in `predict` at batch 256 that way).
///
/// The arena is one reservation (as large as the machine's memory; untouched pages cost
/// nothing) managed as free page ranges that coalesce when neighbours are freed. A request
/// takes the start of the free range where it touches the fewest pages the system has not
/// given us yet, then the smallest such range (best fit). Any freed page can thus serve a
/// request of any size, and resident memory stays close to the most that was ever live at
/// once. (Keeping freed blocks by exact size, as this cache once did, could not give one
/// size's pages to another: MobileNetV2 at batch 64 peaked at 675 MB of blocks for 431 MB
/// live, the backward pass's gradients mapping fresh memory while the freed activations
/// waited for a request of their own size.)
///
/// The free pages held resident stay under `capacityBytes`: a block freed beyond that is
/// given back to the system (`madvise`), as is everything free on `clear`. Requests the
/// arena cannot hold (no reservation, or too large) are mapped and unmapped one by one.
enum BufferCache {
    /// Smaller blocks come from malloc, which recycles them well on its own.
    static let minimumBytes = 256 << 10
    private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// A sixteenth of the machine's memory, between 96 MiB and 1 GiB: the most free memory
    /// held for reuse. A training step must find its activations' pages here (MobileNetV2 at
    /// batch 64 has 431 MB live at the end of its forward pass).
    static let capacityBytes: Int = {
        let physical = sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
        return min(1 << 30, max(96 << 20, physical / 16))
    }()

    private struct Arena {
        let base: UnsafeMutableRawPointer
        let pageCount: Int
        let resident: ResidentPages
    }

    /// The reservation: as many bytes as the machine has memory, on a 2 MiB boundary so that
    /// transparent huge pages line up; nil when the system refuses it.
    private static let arena: Arena? = {
        let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) * page
        let alignment = 2 << 20
        let bytes = max(physical, 1 << 30) / alignment * alignment
        guard
            let raw = mmap(
                nil, bytes + alignment, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
            Int(bitPattern: raw) != -1
        else { return nil }
        let aligned = (Int(bitPattern: raw) + alignment - 1) & ~(alignment - 1)
        guard let base = UnsafeMutableRawPointer(bitPattern: aligned),
            let resident = ResidentPages(pageCount: bytes / page)
        else {
            munmap(raw, bytes + alignment)
            return nil
        }
        #if os(Linux)
        // NOTE: one page fault (and a zeroed page) per 4 KiB on first touch otherwise; with
        // transparent huge pages it is one per 2 MiB. Purely advisory.
        _ = madvise(base, bytes, MADV_HUGEPAGE)
        #endif
        return Arena(base: base, pageCount: bytes / page, resident: resident)
    }()

    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()
    /// The arena's free page ranges, by first page; two are never adjacent (they coalesce).
    nonisolated(unsafe) private static var free: [(first: Int, count: Int)] = arena.map { [(0, $0.pageCount)] } ?? []
    /// Bytes of resident pages in `free`.
    nonisolated(unsafe) private static var cachedBytes = 0
    /// Pages at or past this one have never been handed out.
    nonisolated(unsafe) private static var highWater = 0

    /// The size actually taken for a request of `byteCount` bytes, or nil when the request
    /// is small enough for malloc, or too large for any memory (malloc then refuses it: a
    /// memory error, where rounding it up to pages would overflow and trap).
    @inline(__always)
    static func mappedSize(_ byteCount: Int) -> Int? {
        guard byteCount >= minimumBytes, byteCount <= Int.max - page else { return nil }
        return (byteCount + page - 1) & ~(page - 1)
    }

    /// A block of `size` bytes (a `mappedSize`), page-aligned; nil when the system has no
    /// memory left.
    static func take(_ size: Int) -> UnsafeMutableRawPointer? {
        guard let arena else { return map(size) }
        let count = size / page
        pthread_mutex_lock(lock)
        // The placement that faults in the fewest fresh pages, then the tightest fit. (A few
        // dozen ranges at most, and a bit count per candidate: cheap next to one page fault.)
        var best: (index: Int, fresh: Int, length: Int)? = nil
        for (index, range) in free.enumerated() where range.count >= count {
            let fresh = count - arena.resident.count(from: range.first, count)
            if let chosen = best, (fresh, range.count) >= (chosen.fresh, chosen.length) { continue }
            best = (index, fresh, range.count)
        }
        guard let chosen = best else {
            pthread_mutex_unlock(lock)
            return map(size)
        }
        let first = free[chosen.index].first
        if chosen.length == count {
            free.remove(at: chosen.index)
        } else {
            free[chosen.index] = (first + count, chosen.length - count)
        }
        cachedBytes -= (count - chosen.fresh) * page
        arena.resident.set(from: first, count, resident: true)
        highWater = max(highWater, first + count)
        pthread_mutex_unlock(lock)
        return arena.base + first * page
    }

    /// Takes back a block from `take`: kept for reuse while the free memory held stays under
    /// `capacityBytes`, otherwise given back to the system.
    static func give(_ block: UnsafeMutableRawPointer, size: Int) {
        guard let arena, block >= arena.base, block < arena.base + arena.pageCount * page else {
            munmap(block, size)
            return
        }
        let first = (block - arena.base) / page, count = size / page
        pthread_mutex_lock(lock)
        insertFree(first: first, count: count)
        cachedBytes += size
        if cachedBytes > capacityBytes {
            // Under the lock: once unlocked, the range may be handed out and written.
            release(first: first, count: count, in: arena)
        }
        pthread_mutex_unlock(lock)
    }

    /// Kept for the C ABI's `sdl_retire_cached_memory` (the end of a `fit`). Freed pages now
    /// serve requests of any size, so there is nothing left to retire: a phase with other
    /// sizes (predict at batch 256) reuses training's pages instead of piling up on them.
    static func retire() {}

    /// Gives every free page back to the system (for `swiftdl.config` and tests).
    static func clear() {
        guard let arena else { return }
        pthread_mutex_lock(lock)
        for range in free where range.first < highWater {
            release(first: range.first, count: min(range.count, highWater - range.first), in: arena)
        }
        pthread_mutex_unlock(lock)
    }

    /// Bytes of free memory held now.
    static var heldBytes: Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return cachedBytes
    }

    /// Adds pages to `free`, merged with the ranges they touch. Call with the lock held.
    private static func insertFree(first: Int, count: Int) {
        var low = 0, high = free.count
        while low < high {
            let middle = (low + high) / 2
            if free[middle].first < first { low = middle + 1 } else { high = middle }
        }
        var range = (first: first, count: count), index = low
        if index < free.count, free[index].first == first + count {
            range.count += free[index].count
            free.remove(at: index)
        }
        if index > 0, free[index - 1].first + free[index - 1].count == first {
            index -= 1
            range = (free[index].first, free[index].count + range.count)
            free.remove(at: index)
        }
        free.insert(range, at: index)
    }

    /// Gives free pages' memory back to the system. Call with the lock held.
    private static func release(first: Int, count: Int, in arena: Arena) {
        let resident = arena.resident.count(from: first, count)
        guard resident > 0 else { return }
        #if os(Linux)
        _ = madvise(arena.base + first * page, count * page, MADV_DONTNEED)
        #else
        _ = madvise(arena.base + first * page, count * page, MADV_FREE)
        #endif
        arena.resident.set(from: first, count, resident: false)
        cachedBytes -= resident * page
    }

    private static func map(_ size: Int) -> UnsafeMutableRawPointer? {
        // mmap reports failure as MAP_FAILED, (void *)-1, which Swift does not import.
        guard let block = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            Int(bitPattern: block) != -1
        else { return nil }
        #if os(Linux)
        if size >= Storage.hugePageThreshold { _ = madvise(block, size, MADV_HUGEPAGE) }
        #endif
        return block
    }
}

/// Gives the engine's free cached memory back to the system and returns how many bytes that
/// was (keras.backend.clear_session, swiftdl.config).
public func releaseCachedBuffers() -> Int {
    let held = BufferCache.heldBytes
    BufferCache.clear()
    return held
}

/// Kept for the end of a phase of work (a `fit` call); see `BufferCache.retire`.
public func retireCachedBuffers() { BufferCache.retire() }

/// Bytes of freed buffers the engine holds for reuse.
public var cachedBufferBytes: Int { BufferCache.heldBytes }
