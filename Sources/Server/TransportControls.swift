import Foundation
import Synchronization

/// What a session may do to its connection below the WebSocket layer.
struct TransportControls: Sendable {
    /// What the connection's channel handlers found (a client that does not read, unmasked frames).
    let record: ConnectionRecord
    let shutdown: ShutdownSignal
    /// Closes the TCP connection now; the reader then sees the end of the stream.
    let drop: @Sendable () -> Void
}

/// Bounds the wait for the client's answer to our close frame: once armed, the connection is
/// dropped after the timeout unless the reader saw the stream end first. Armed before the close
/// frame is written, because that write itself never finishes for a client that does not read.
final class CloseWatchdog: Sendable {
    private let timeoutNanoseconds: UInt64
    private let drop: @Sendable () -> Void
    private let state = Mutex<(armed: Bool, finished: Bool, timer: Task<Void, Never>?)>((false, false, nil))

    init(timeoutSeconds: Double, drop: @escaping @Sendable () -> Void) {
        timeoutNanoseconds = UInt64(max(0, timeoutSeconds) * 1e9)
        self.drop = drop
    }

    func arm() {
        state.withLock { state in
            guard !state.armed, !state.finished else { return }
            state.armed = true
            state.timer = Task { [timeoutNanoseconds, drop] in
                try? await Task.sleep(nanoseconds: timeoutNanoseconds)
                if !Task.isCancelled { drop() }
            }
        }
    }

    /// The stream has ended: nothing left to drop.
    func finished() {
        state.withLock { state in
            state.finished = true
            state.timer?.cancel()
        }
    }
}
