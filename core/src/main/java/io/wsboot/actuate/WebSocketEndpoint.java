package io.wsboot.actuate;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wsboot.ConnectionInfo;
import io.wsboot.WebSocketServer;
import io.wsboot.WebSocketStats;
import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.WebSocketCluster;
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
 * <p>
 * When the server is a node of a {@link WebSocketCluster}
 * ({@code wsboot.cluster.enabled=true}), the stats and the connections stay this node's,
 * and a {@code cluster} section describes the cluster as this node sees it: its id and
 * number, whether Redis answers, and the nodes alive with their connections. Without a
 * cluster there is no {@code cluster} section.
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

	private final @Nullable WebSocketCluster cluster;

	/**
	 * Create an endpoint for a server that is not part of a cluster.
	 * @param server the server to describe
	 */
	public WebSocketEndpoint(WebSocketServer server) {
		this(server, null);
	}

	/**
	 * Create an endpoint.
	 * @param server the server to describe
	 * @param cluster the cluster this server is a node of, or {@code null} when it is not
	 * part of one
	 */
	public WebSocketEndpoint(WebSocketServer server, @Nullable WebSocketCluster cluster) {
		Assert.notNull(server, "'server' must not be null");
		this.server = server;
		this.cluster = cluster;
	}

	/**
	 * Return the stats and a page of connections, in ascending fd order, and the cluster
	 * when this server is a node of one.
	 * @param page the page, from 0
	 * @param size the page size, at most 1000
	 * @return the stats, the cluster and the page
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
		WebSocketCluster cluster = this.cluster;
		return new WebSocketDescriptor(stats.connections(), stats.accepted(), stats.closed(),
				stats.rejectedHandshakes(), stats.timers(), stats.messagesReceived(), stats.messagesSent(),
				stats.bytesReceived(), stats.bytesSent(), stats.pushDropped(), stats.startTime().toString(),
				(cluster != null) ? ClusterDescriptor.of(cluster) : null, pageNumber, pageSize, fds.size(), open);
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
	 * @param cluster the cluster this server is a node of, or {@code null} (and left out
	 * of the JSON) when it is not part of one
	 * @param page the page of {@code open}
	 * @param size the page size
	 * @param established the number of established connections, across pages
	 * @param open the established connections of the page
	 */
	public record WebSocketDescriptor(long connections, long accepted, long closed, long rejectedHandshakes,
			long timers, long messagesReceived, long messagesSent, long bytesReceived, long bytesSent, long pushDropped,
			String startTime, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable ClusterDescriptor cluster, int page,
			int size, int established, List<ConnectionDescriptor> open) {

	}

	/**
	 * The cluster as one node sees it.
	 *
	 * @param nodeId the id of the node that answers
	 * @param nodeNumber its number, the part of its fds above bit 40
	 * @param redisAvailable whether Redis answered it the last time it asked
	 * @param nodeCount the nodes alive at its last heartbeat, itself included
	 * @param connections their connections, added up
	 * @param nodes the nodes in ascending number order, each with its connections: this
	 * node's open now, the others' established at their last heartbeat
	 * @param errors failures of cross-node operations counted by this node since it
	 * started, by operation
	 * @since 0.1.0
	 */
	public record ClusterDescriptor(String nodeId, long nodeNumber, boolean redisAvailable, int nodeCount,
			long connections, List<ClusterNode> nodes, Map<String, Long> errors) {

		/**
		 * Describe a cluster as one of its nodes sees it now.
		 * @param cluster the node
		 * @return the description
		 */
		public static ClusterDescriptor of(WebSocketCluster cluster) {
			Assert.notNull(cluster, "'cluster' must not be null");
			List<ClusterNode> nodes = cluster.nodes();
			long connections = nodes.stream().mapToLong(ClusterNode::connections).sum();
			return new ClusterDescriptor(cluster.nodeId(), cluster.nodeNumber(), cluster.isAvailable(), nodes.size(),
					connections, nodes, cluster.errorCounts());
		}

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
