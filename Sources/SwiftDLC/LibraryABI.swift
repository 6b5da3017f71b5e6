import CSwiftDL
import SwiftDL

@_cdecl("sdl_abi_version")
public func abiVersion() -> Int32 { 1 }

@_cdecl("sdl_set_num_threads")
public func setNumThreads(_ count: Int32) -> Int32 {
    perform {
        if count < 1 {
            throw SDLError(.value, "[set_num_threads] the thread count must be at least 1; received \(count)")
        }
        ThreadPool.shared.setThreadCount(Int(count))
    }
}

@_cdecl("sdl_get_num_threads")
public func getNumThreads() -> Int32 { Int32(ThreadPool.shared.threadCount) }

@_cdecl("sdl_release_cached_memory")
public func releaseCachedMemory() -> Int64 { Int64(releaseCachedBuffers()) }

@_cdecl("sdl_retire_cached_memory")
public func retireCachedMemory() { retireCachedBuffers() }

@_cdecl("sdl_cached_memory_bytes")
public func cachedMemoryBytes() -> Int64 { Int64(cachedBufferBytes) }

@_cdecl("sdl_set_op_determinism")
public func setOpDeterminism(_ enabled: Int32) -> Int32 {
    perform {
        if enabled != 0 && enabled != 1 {
            throw SDLError(.value, "[set_op_determinism] the switch must be 0 or 1; received \(enabled)")
        }
        OpDeterminism.isEnabled = enabled == 1
    }
}

@_cdecl("sdl_get_op_determinism")
public func getOpDeterminism() -> Int32 { OpDeterminism.isEnabled ? 1 : 0 }
