package io.wsboot.cluster.actuate;

import io.wsboot.actuate.WebSocketEndpoint;
import io.wsboot.actuate.WebSocketEndpoint.ClusterDescriptor;
import io.wsboot.cluster.WebSocketCluster;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.util.Assert;

/**
 * Actuator endpoint {@code websocketcluster}: the cluster as this node sees it
 * ({@code GET
 * /actuator/websocketcluster}), the same description as the {@code cluster} section of
 * the {@link WebSocketEndpoint websocket} endpoint, without this node's stats and
 * connections.
 *
 * @since 0.1.0
 * @see WebSocketEndpoint
 */
@Endpoint(id = "websocketcluster")
public class WebSocketClusterEndpoint {

	private final WebSocketCluster cluster;

	/**
	 * Create an endpoint.
	 * @param cluster the cluster node to describe
	 */
	public WebSocketClusterEndpoint(WebSocketCluster cluster) {
		Assert.notNull(cluster, "'cluster' must not be null");
		this.cluster = cluster;
	}

	/**
	 * Return the cluster as this node sees it.
	 * @return the description
	 */
	@ReadOperation
	public ClusterDescriptor cluster() {
		return ClusterDescriptor.of(this.cluster);
	}

}
