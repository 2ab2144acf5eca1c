package io.wsboot;

import java.time.Instant;

/**
 * Counters of a {@link WebSocketServer}, as OpenSwoole's {@code stats()}.
 *
 * @param connections connections open now
 * @param accepted handshakes accepted since start
 * @param closed connections closed since start
 * @param rejectedHandshakes handshakes refused since start, by the transport checks or
 * the interceptor
 * @param timers active timers, global and connection-bound
 * @param messagesReceived messages received since start
 * @param messagesSent messages pushed since start
 * @param bytesReceived payload bytes received since start
 * @param bytesSent payload bytes pushed since start
 * @param pushDropped pushes refused since start (connection gone or closing)
 * @param startTime when the server started
 * @since 0.1.0
 */
public record WebSocketStats(long connections, long accepted, long closed, long rejectedHandshakes, long timers,
		long messagesReceived, long messagesSent, long bytesReceived, long bytesSent, long pushDropped,
		Instant startTime) {

}
