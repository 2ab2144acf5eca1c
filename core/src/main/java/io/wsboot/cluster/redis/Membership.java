package io.wsboot.cluster.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wsboot.cluster.ClusterNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * This node's view of the cluster: its own number, and the nodes alive at the last
 * heartbeat with their fds as last fetched. Replaced whole under a lock, read without
 * one.
 */
final class Membership {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	private final String nodeId;

	private final long nodeTimeoutNanos;

	private final ClusterErrors errors;

	private final Object monitor = new Object();

	private volatile long number;

	private volatile Map<Long, NodeView> view = Map.of();

	/** Nodes kept in the view after the registry was lost, until when (nano time). */
	private final Map<Long, Long> keptUntil = new HashMap<>();

	private volatile long maxKnownNumber;

	Membership(ClusterSettings settings, ClusterErrors errors) {
		this.nodeId = settings.nodeId();
		this.nodeTimeoutNanos = settings.nodeTimeout().toNanos();
		this.errors = errors;
	}

	/**
	 * Take the number Redis gave this node, and see it alone.
	 * @param number the node number
	 */
	void joined(long number) {
		synchronized (this.monitor) {
			this.number = number;
			this.maxKnownNumber = number;
			this.view = Map.of(number, new NodeView(number, this.nodeId, 0, 0, null, -1));
		}
	}

	/**
	 * Return this node's number.
	 * @return the number, {@code 0} before joining
	 */
	long number() {
		return this.number;
	}

	String nodeId() {
		return this.nodeId;
	}

	boolean isLocal(long fd) {
		return nodeOf(fd) == this.number;
	}

	static long nodeOf(long fd) {
		return fd >>> ClusterSettings.NODE_SHIFT;
	}

	/**
	 * Return the nodes of the view.
	 * @param localConnections this node's connections now
	 * @return an immutable list in ascending number order
	 */
	List<ClusterNode> nodes(long localConnections) {
		List<ClusterNode> nodes = new ArrayList<>();
		for (NodeView node : this.view.values()) {
			boolean self = node.number() == this.number;
			nodes.add(new ClusterNode(node.id(), node.number(), self ? localConnections : node.connections(), self));
		}
		nodes.sort((a, b) -> Long.compare(a.number(), b.number()));
		return List.copyOf(nodes);
	}

	/**
	 * Return the other nodes of the view.
	 * @return the nodes
	 */
	List<NodeView> others() {
		return this.view.values().stream().filter((node) -> node.number() != this.number).toList();
	}

	/**
	 * Return the other nodes whose fds changed since they were last fetched.
	 * @return the nodes
	 */
	List<NodeView> changed() {
		return others().stream().filter((node) -> node.fdsVersion() != node.version()).toList();
	}

	/**
	 * Whether an fd of another node is in the snapshot of its fds.
	 * @param fd the fd
	 * @return whether it is
	 */
	boolean inSnapshot(long fd) {
		NodeView node = this.view.get(nodeOf(fd));
		long[] fds = (node != null) ? node.fds() : null;
		return fds != null && Arrays.binarySearch(fds, fd) >= 0;
	}

	/**
	 * Whether a node is known to be gone: its number was given out before the last
	 * heartbeat and it is not alive. A number above any seen is a node that joined since:
	 * not gone.
	 * @param node the node number
	 * @return whether it is gone
	 */
	boolean isKnownGone(long node) {
		return node <= this.maxKnownNumber && !this.view.containsKey(node);
	}

	/**
	 * Take the live nodes a heartbeat read: whether this node's entry still existed,
	 * followed by number and entry of each live node.
	 * @param result the result of {@link ClusterKeys#HEARTBEAT}
	 * @return whether the registry had lost this node's entry
	 */
	boolean update(List<?> result) {
		if (result.isEmpty()) {
			return false;
		}
		boolean lost = "0".equals(String.valueOf(result.get(0)));
		synchronized (this.monitor) {
			Map<Long, NodeView> previous = this.view;
			Map<Long, NodeView> next = new HashMap<>();
			long max = this.maxKnownNumber;
			for (int i = 1; i + 1 < result.size(); i += 2) {
				try {
					long node = Long.parseLong(String.valueOf(result.get(i)));
					String[] parts = String.valueOf(result.get(i + 1)).split("\\|", 3);
					long connections = Long.parseLong(parts[0]);
					long version = Long.parseLong(parts[1]);
					String id = parts[2];
					NodeView old = previous.get(node);
					next.put(node, (old != null) ? old.update(id, connections, version)
							: new NodeView(node, id, connections, version, null, -1));
					max = Math.max(max, node);
				}
				catch (RuntimeException ex) {
					this.errors.increment("malformed");
					if (logger.isDebugEnabled()) {
						logger.debug("Invalid cluster registry entry ignored: " + result.get(i + 1));
					}
				}
			}
			next.putIfAbsent(this.number, new NodeView(this.number, this.nodeId, 0, 0, null, -1));
			keepNodesOfALostRegistry(previous, next, lost);
			this.view = Map.copyOf(next);
			this.maxKnownNumber = max;
		}
		return lost;
	}

	/**
	 * When the registry lost this node's entry (a Redis restarted without persistence),
	 * it lost the others' too: keep the nodes seen before for up to a node timeout, until
	 * they enter it again, rather than take them for gone.
	 */
	private void keepNodesOfALostRegistry(Map<Long, NodeView> previous, Map<Long, NodeView> next, boolean lost) {
		long now = System.nanoTime();
		if (lost) {
			long until = now + this.nodeTimeoutNanos;
			for (Long node : previous.keySet()) {
				if (!next.containsKey(node)) {
					this.keptUntil.putIfAbsent(node, until);
				}
			}
		}
		this.keptUntil.entrySet().removeIf((kept) -> {
			NodeView before = previous.get(kept.getKey());
			if (next.containsKey(kept.getKey()) || before == null || now - kept.getValue() >= 0) {
				return true;
			}
			next.put(kept.getKey(), before);
			return false;
		});
	}

	/**
	 * Forget a node that left.
	 * @param node its number
	 */
	void remove(long node) {
		synchronized (this.monitor) {
			if (this.view.containsKey(node)) {
				Map<Long, NodeView> next = new HashMap<>(this.view);
				next.remove(node);
				this.keptUntil.remove(node);
				this.view = Map.copyOf(next);
				this.maxKnownNumber = Math.max(this.maxKnownNumber, node);
			}
		}
	}

	/**
	 * Take the fds fetched of a node.
	 * @param node its number
	 * @param version the version of its fd set they were fetched for
	 * @param members the members of its set
	 */
	void fdsFetched(long node, long version, Collection<String> members) {
		long[] fds = new long[members.size()];
		int count = 0;
		for (String member : members) {
			try {
				fds[count] = Long.parseLong(member);
				count++;
			}
			catch (NumberFormatException ex) {
				// Not ours: ignored
			}
		}
		long[] sorted = Arrays.copyOf(fds, count);
		Arrays.sort(sorted);
		synchronized (this.monitor) {
			NodeView current = this.view.get(node);
			if (current != null) {
				Map<Long, NodeView> next = new HashMap<>(this.view);
				next.put(node, current.withFds(sorted, version));
				this.view = Map.copyOf(next);
			}
		}
	}

	/**
	 * A node as the last heartbeat saw it, with its fds as last fetched.
	 *
	 * @param number its number
	 * @param id its id
	 * @param connections its connections at its last heartbeat
	 * @param version the version of its fd set at its last heartbeat
	 * @param fds its fds, sorted, or {@code null} before the first fetch
	 * @param fdsVersion the version those fds were fetched at
	 */
	record NodeView(long number, String id, long connections, long version, long @Nullable [] fds, long fdsVersion) {

		NodeView update(String id, long connections, long version) {
			return new NodeView(this.number, id, connections, version, this.fds, this.fdsVersion);
		}

		NodeView withFds(long[] fds, long fdsVersion) {
			return new NodeView(this.number, this.id, this.connections, this.version, fds, fdsVersion);
		}

	}

}
