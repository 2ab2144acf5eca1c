package io.wsboot;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of a WebSocket connection, as OpenSwoole's
 * {@code getClientInfo()}.
 *
 * @param fd the connection's id, unique for the life of the server process
 * @param remoteAddress the client's address, or {@code null} when unknown
 * @param path the request path of the handshake
 * @param pathVariables the variables of {@code wsboot.path} matched by the handshake
 * @param subprotocol the selected subprotocol, or {@code null} when none
 * @param principal the principal of the handshake's exchange, or {@code null}
 * @param attributes the attributes set during the handshake
 * @param openedAt when the connection was established
 * @param established whether the connection is open (no close frame sent or received)
 * @param bytesReceived payload bytes received in messages so far
 * @param bytesSent payload bytes pushed so far
 * @since 0.1.0
 */
public record ConnectionInfo(long fd, @Nullable InetSocketAddress remoteAddress, String path,
		Map<String, String> pathVariables, @Nullable String subprotocol, @Nullable Principal principal,
		Map<String, Object> attributes, Instant openedAt, boolean established, long bytesReceived, long bytesSent) {

	public ConnectionInfo {
		pathVariables = Map.copyOf(pathVariables);
		attributes = Map.copyOf(attributes);
	}

	@Override
	public String toString() {
		return "ConnectionInfo{fd=" + this.fd + ", path=" + this.path + "}";
	}

}
