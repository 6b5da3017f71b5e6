// The kernels, element types and runtime live in SwiftDLKernels (compiled -Ounchecked);
// Swift users of SwiftDL see them as part of this module.
@_exported import SwiftDLKernels
