package io.wsboot.actuate;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.wsboot.ConnectionInfo;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.Assert;

/**
 * Actuator endpoint {@code websocket}: the server's stats and a page of its connections
 * ({@code GET /actuator/websocket?page=&size=}), one connection ({@code GET
 * /actuator/websocket/{fd}}), and disconnecting one with 1008 ({@code DELETE
 * /actuator/websocket/{fd}}).
 *
 * @since 0.1.0
 */
@Endpoint(id = "websocket")
public class WebSocketEndpoint {

	/**
	 * Close code sent to a connection disconnected through the endpoint (policy
	 * violation, RFC 6455 §7.4.1).
	 */
	public static final int DISCONNECT_CODE = 1008;

	private static final int DEFAULT_PAGE_SIZE = 100;

	private static final int MAX_PAGE_SIZE = 1000;

	private final WebSocketServer server;

	/**
	 * Create an endpoint.
	 * @param server the server to describe
	 */
	public WebSocketEndpoint(WebSocketServer server) {
		Assert.notNull(server, "'server' must not be null");
		this.server = server;
	}

	/**
	 * Return the stats and a page of connections, in ascending fd order.
	 * @param page the page, from 0
	 * @param size the page size, at most 1000
	 * @return the stats and the page
	 */
	@ReadOperation
	public WebSocketDescriptor websocket(@Nullable Integer page, @Nullable Integer size) {
		int pageNumber = (page != null) ? Math.max(0, page) : 0;
		int pageSize = (size != null) ? Math.min(Math.max(1, size), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
		WebSocketStats stats = this.server.stats();
		List<Long> fds = this.server.connections();
		long from = (long) pageNumber * pageSize;
		List<ConnectionDescriptor> open = new ArrayList<>();
		for (long i = from; i < fds.size() && open.size() < pageSize; i++) {
			this.server.info(fds.get((int) i)).map(ConnectionDescriptor::of).ifPresent(open::add);
		}
		return new WebSocketDescriptor(stats.connections(), stats.accepted(), stats.closed(),
				stats.rejectedHandshakes(), stats.timers(), stats.messagesReceived(), stats.messagesSent(),
				stats.bytesReceived(), stats.bytesSent(), stats.pushDropped(), stats.startTime().toString(), pageNumber,
				pageSize, fds.size(), open);
	}

	/**
	 * Return one connection.
	 * @param fd the connection
	 * @return the connection, or 404 when there is none
	 */
	@ReadOperation
	public WebEndpointResponse<ConnectionDescriptor> connection(@Selector long fd) {
		Optional<ConnectionInfo> info = this.server.info(fd);
		return info.map((connection) -> new WebEndpointResponse<>(ConnectionDescriptor.of(connection)))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Disconnect a connection with close code 1008.
	 * @param fd the connection
	 * @return 204 when the close frame was sent, 404 when there is no such established
	 * connection
	 */
	@DeleteOperation
	public WebEndpointResponse<Void> disconnect(@Selector long fd) {
		boolean closed = this.server.disconnect(fd, DISCONNECT_CODE, "Disconnected by an operator");
		return new WebEndpointResponse<>(
				closed ? WebEndpointResponse.STATUS_NO_CONTENT : WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * The stats of the server and a page of its connections.
	 *
	 * @param connections connections open now
	 * @param accepted handshakes accepted since start
	 * @param closed connections closed since start
	 * @param rejectedHandshakes handshakes refused since start
	 * @param timers active timers, global and connection-bound
	 * @param messagesReceived messages received since start
	 * @param messagesSent messages pushed since start
	 * @param bytesReceived payload bytes received since start
	 * @param bytesSent payload bytes pushed since start
	 * @param pushDropped pushes not sent since start
	 * @param startTime when the server started (ISO-8601)
	 * @param page the page of {@code open}
	 * @param size the page size
	 * @param established the number of established connections, across pages
	 * @param open the established connections of the page
	 */
	public record WebSocketDescriptor(long connections, long accepted, long closed, long rejectedHandshakes,
			long timers, long messagesReceived, long messagesSent, long bytesReceived, long bytesSent, long pushDropped,
			String startTime, int page, int size, int established, List<ConnectionDescriptor> open) {

	}

	/**
	 * One connection.
	 *
	 * @param fd the connection's fd
	 * @param remoteAddress the client's address ({@code host:port}), or {@code null}
	 * @param path the request path of the handshake
	 * @param subprotocol the selected subprotocol, or {@code null}
	 * @param openedAt when it was established (ISO-8601)
	 * @param bytesReceived payload bytes received
	 * @param bytesSent payload bytes pushed
	 */
	public record ConnectionDescriptor(long fd, @Nullable String remoteAddress, String path,
			@Nullable String subprotocol, String openedAt, long bytesReceived, long bytesSent) {

		static ConnectionDescriptor of(ConnectionInfo info) {
			InetSocketAddress address = info.remoteAddress();
			String remote = null;
			if (address != null) {
				String host = address.getHostString();
				// An IPv6 literal is bracketed so that the port stays apart (RFC 3986
				// 3.2.2)
				remote = ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + address.getPort();
			}
			return new ConnectionDescriptor(info.fd(), remote, info.path(), info.subprotocol(),
					info.openedAt().toString(), info.bytesReceived(), info.bytesSent());
		}

	}

}
