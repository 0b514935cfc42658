import FuzzTargets

private let target = FuzzTarget.named("journal")!

// libFuzzer supplies main() and calls this for every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target.run(Array(UnsafeBufferPointer(start: data, count: count)))
    return 0
}
