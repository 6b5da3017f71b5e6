import CSwiftDL
import SwiftDL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// What the engine runs on: which BLAS, and whether its own AVX2 kernels are in use.

/// The BLAS file's name, copied once into C memory so that the pointer handed out stays
/// valid for the life of the process.
nonisolated(unsafe) private var blasPathCString: UnsafeMutablePointer<CChar>? = nil

@_cdecl("sdl_blas_load")
public func blasLoad(_ preferredPath: UnsafePointer<CChar>?, _ loadedPath: UnsafeMutablePointer<UnsafePointer<CChar>?>?)
    -> Int32
{
    perform {
        guard let loadedPath else {
            throw SDLError(.value, "[blas_load] the out-pointer must not be NULL; received NULL")
        }
        #if canImport(Accelerate)
        loadedPath.pointee = UnsafePointer(strdup("Accelerate"))
        #else
        let library = BLASLibrary.load(preferredPath: preferredPath.map { String(cString: $0) })
        loadedPath.pointee =
            library.path.map { path in
                if blasPathCString == nil { blasPathCString = strdup(path) }
                return UnsafePointer(blasPathCString!)
            } ?? nil
        #endif
    }
}

@_cdecl("sdl_avx2_kernels_enabled")
public func avx2KernelsEnabledABI() -> Int32 { avx2KernelsEnabled() ? 1 : 0 }

@_cdecl("sdl_avx512_kernels_enabled")
public func avx512KernelsEnabledABI() -> Int32 { avx512KernelsEnabled() ? 1 : 0 }
