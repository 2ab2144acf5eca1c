package io.wsboot;

import io.wsboot.ClusterNodes.Node;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.util.Assert;

/**
 * Two nodes of one cluster, {@code node-a} and {@code node-b}, on a {@link RedisServer}
 * of their own, for the tests of a class: started before them and stopped after. Register
 * it as a static {@code @RegisterExtension} field; the test instances can then take the
 * nodes in field initializers.
 */
final class TwoNodeCluster implements BeforeAllCallback, AfterAllCallback {

	private final RedisServer redis = new RedisServer();

	private final String prefix;

	private @Nullable ClusterNodes nodes;

	private @Nullable Node a;

	private @Nullable Node b;

	/**
	 * Create the nodes' extension.
	 * @param prefix the prefix of the nodes' Redis channels, one per test class
	 */
	TwoNodeCluster(String prefix) {
		this.prefix = prefix;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		this.redis.beforeAll(context);
		ClusterNodes nodes = new ClusterNodes(this.redis, this.prefix);
		this.nodes = nodes;
		this.a = nodes.start("node-a");
		this.b = nodes.start("node-b");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		try {
			if (this.nodes != null) {
				this.nodes.close();
			}
		}
		finally {
			this.redis.afterAll(context);
		}
	}

	/**
	 * Return node A.
	 * @return the node
	 */
	Node a() {
		Assert.state(this.a != null, "The nodes are not started");
		return this.a;
	}

	/**
	 * Return node B.
	 * @return the node
	 */
	Node b() {
		Assert.state(this.b != null, "The nodes are not started");
		return this.b;
	}

	/**
	 * Start a further node of the cluster, stopped with the others.
	 * @param id the node id
	 * @return the node
	 */
	Node start(String id) {
		Assert.state(this.nodes != null, "The nodes are not started");
		return this.nodes.start(id);
	}

}
