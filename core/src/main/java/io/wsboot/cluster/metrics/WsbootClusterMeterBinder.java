package io.wsboot.cluster.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.wsboot.metrics.WsbootMeters;
import io.wsboot.metrics.WsbootMeters.ClusterErrorKeys;
import io.wsboot.cluster.redis.ClusterWebSocketServer;

import org.springframework.util.Assert;

/**
 * Binds the cluster {@link WsbootMeters} of a {@link ClusterWebSocketServer} to a
 * registry. The meters read the cluster's own counters.
 *
 * @since 0.1.0
 */
public class WsbootClusterMeterBinder implements MeterBinder {

	private final ClusterWebSocketServer cluster;

	private final Iterable<Tag> tags;

	/**
	 * Create a binder.
	 * @param cluster the cluster node to measure
	 * @param tags tags added to every meter
	 */
	public WsbootClusterMeterBinder(ClusterWebSocketServer cluster, Iterable<Tag> tags) {
		Assert.notNull(cluster, "'cluster' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		this.cluster = cluster;
		this.tags = tags;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String operation : ClusterWebSocketServer.ERROR_OPERATIONS) {
			FunctionCounter
				.builder(WsbootMeters.CLUSTER_ERRORS.getName(), this.cluster,
						(cluster) -> cluster.errorCount(operation))
				.description("Cross-node operations that failed, and bus messages dropped as invalid")
				.tags(Tags.of(this.tags).and(ClusterErrorKeys.OPERATION.asString(), operation))
				.register(registry);
		}
		Gauge.builder(WsbootMeters.CLUSTER_NODES.getName(), this.cluster, (cluster) -> cluster.nodes().size())
			.description("Nodes alive at the last heartbeat")
			.tags(this.tags)
			.register(registry);
	}

}
