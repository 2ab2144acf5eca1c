package io.wsboot.cluster.actuate;

import java.util.List;
import java.util.Map;

import io.wsboot.cluster.ClusterNode;
import io.wsboot.cluster.redis.ClusterWebSocketServer;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.util.Assert;

/**
 * Actuator endpoint {@code websocketcluster}: the nodes of the cluster and their
 * connections as this node's last heartbeat saw them ({@code GET
 * /actuator/websocketcluster}). The {@code websocket} endpoint beside it keeps describing
 * this node alone.
 *
 * @since 0.1.0
 */
@Endpoint(id = "websocketcluster")
public class WebSocketClusterEndpoint {

	private final ClusterWebSocketServer cluster;

	/**
	 * Create an endpoint.
	 * @param cluster the cluster node to describe
	 */
	public WebSocketClusterEndpoint(ClusterWebSocketServer cluster) {
		Assert.notNull(cluster, "'cluster' must not be null");
		this.cluster = cluster;
	}

	/**
	 * Return the cluster as this node sees it.
	 * @return the description
	 */
	@ReadOperation
	public ClusterDescriptor cluster() {
		List<ClusterNode> nodes = this.cluster.nodes();
		long connections = nodes.stream().mapToLong(ClusterNode::connections).sum();
		return new ClusterDescriptor(this.cluster.nodeId(), this.cluster.nodeNumber(), this.cluster.isAvailable(),
				nodes.size(), connections, nodes, this.cluster.errorCounts());
	}

	/**
	 * The cluster as one node sees it.
	 *
	 * @param nodeId the id of the node that answers
	 * @param nodeNumber its number
	 * @param redisAvailable whether Redis answered it the last time it asked
	 * @param nodeCount the nodes alive at its last heartbeat
	 * @param connections their connections, added up
	 * @param nodes the nodes, each with its connections
	 * @param errors cross-node errors counted by this node, by operation
	 */
	public record ClusterDescriptor(String nodeId, long nodeNumber, boolean redisAvailable, int nodeCount,
			long connections, List<ClusterNode> nodes, Map<String, Long> errors) {

	}

}
