import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File-system errors as the short phrases of the C library (`Permission denied`), without
/// Foundation's domains and codes.
enum FileErrorText {
    /// The phrase for the current `errno`.
    static var lastError: String { String(cString: strerror(errno)) }

    /// The phrase for `error`: its POSIX cause where Foundation records one.
    static func phrase(_ error: any Error) -> String {
        if let error = error as? RunError { return error.description }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(error.code)))
        }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return phrase(underlying)
        }
        guard error.domain == NSCocoaErrorDomain else { return error.localizedDescription }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileReadNoPermission, .fileWriteNoPermission: return String(cString: strerror(EACCES))
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        case .fileWriteFileExists: return String(cString: strerror(EEXIST))
        default: return "the file system refused (code \(error.code))"
        }
    }
}
