package io.wsboot.cluster.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.wsboot.server.NettyWebSocketServer;
import io.wsboot.server.ConnectionLifecycleListener;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The writer of this node's fd set in Redis, the only one. The server tells it of every
 * connection registered and removed, whatever handshake accepted it; it writes those
 * changes in batches, one write at a time, and rewrites the whole set from the server's
 * connections when the set may be wrong: when the node starts (connections registered
 * before are in it), after a failed write, after too many changes queued while Redis was
 * away, and when the registry lost this node.
 */
final class FdRegistry implements ConnectionLifecycleListener {

	private static final int MAX_QUEUED_UPDATES = 100_000;

	private static final int UPDATE_BATCH = 1000;

	private final NettyWebSocketServer local;

	private final ReactiveStringRedisTemplate redis;

	private final ClusterKeys keys;

	private final Membership membership;

	private final ClusterErrors errors;

	private final String ttl;

	private final Duration timeout;

	private final Queue<String> updates = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicBoolean writing = new AtomicBoolean();

	private final AtomicLong version = new AtomicLong();

	private volatile boolean resyncNeeded;

	private volatile boolean running;

	FdRegistry(NettyWebSocketServer local, ReactiveStringRedisTemplate redis, ClusterKeys keys, Membership membership,
			ClusterErrors errors, ClusterSettings settings) {
		this.local = local;
		this.redis = redis;
		this.keys = keys;
		this.membership = membership;
		this.errors = errors;
		this.ttl = Long.toString(settings.nodeTimeout().toMillis());
		this.timeout = settings.requestTimeout();
	}

	@Override
	public void connectionOpened(long fd) {
		if (this.running) {
			enqueue("+" + fd);
		}
	}

	@Override
	public void connectionClosed(long fd) {
		if (this.running) {
			enqueue("-" + fd);
		}
	}

	/**
	 * Return the version of the set: the number of writes that succeeded, which the
	 * heartbeat publishes so that the other nodes know when to fetch it again.
	 * @return the version
	 */
	long version() {
		return this.version.get();
	}

	/**
	 * Take the changes from now on, and rewrite the whole set first.
	 */
	void start() {
		this.running = true;
		this.resyncNeeded = true;
		kick();
	}

	/**
	 * Stop writing: the node leaves the registry.
	 */
	void stop() {
		this.running = false;
	}

	/**
	 * Rewrite the whole set at the next write: the registry lost it.
	 * @return whether no rewrite was pending yet
	 */
	boolean requestResync() {
		if (this.resyncNeeded) {
			return false;
		}
		this.resyncNeeded = true;
		return true;
	}

	/**
	 * Write what is pending, unless a write is under way or Redis is unavailable.
	 */
	void kick() {
		if (!this.errors.isAvailable() || !this.running) {
			return;
		}
		if (this.writing.compareAndSet(false, true)) {
			next();
		}
	}

	private void enqueue(String update) {
		if (this.queued.incrementAndGet() > MAX_QUEUED_UPDATES) {
			// Redis is away for long: the rewrite after it returns covers these
			this.resyncNeeded = true;
			drain();
			return;
		}
		this.updates.add(update);
		kick();
	}

	private void drain() {
		while (this.updates.poll() != null) {
			this.queued.decrementAndGet();
		}
	}

	private void next() {
		if (!this.running) {
			this.writing.set(false);
			return;
		}
		Mono<?> work;
		if (this.resyncNeeded) {
			this.resyncNeeded = false;
			work = rewrite();
		}
		else {
			List<String> batch = new ArrayList<>();
			String update;
			while (batch.size() < UPDATE_BATCH && (update = this.updates.poll()) != null) {
				this.queued.decrementAndGet();
				// An fd closed meanwhile has its removal queued after this: skip the add
				if (update.charAt(0) != '+' || this.local.exists(Long.parseLong(update.substring(1)))) {
					batch.add(update);
				}
			}
			if (batch.isEmpty()) {
				this.writing.set(false);
				if (!this.updates.isEmpty() || this.resyncNeeded) {
					kick();
				}
				return;
			}
			work = update(fdsKey(), batch);
		}
		work.timeout(this.timeout).subscribe(null, (ex) -> {
			this.resyncNeeded = true;
			this.writing.set(false);
			this.errors.redisFailed("registry", ex);
		}, () -> {
			this.version.incrementAndGet();
			next();
		});
	}

	private String fdsKey() {
		return this.keys.fds(this.membership.number());
	}

	private Mono<Long> update(String key, List<String> batch) {
		List<String> args = new ArrayList<>(batch.size() + 1);
		args.add(this.ttl);
		args.addAll(batch);
		return this.redis.execute(ClusterKeys.UPDATE, List.of(key), args).next();
	}

	/**
	 * Write the server's connections aside, then put them in place of the set. The
	 * changes queued before are dropped: the connections cover them; those queued after
	 * are written after the rewrite.
	 */
	private Mono<Long> rewrite() {
		drain();
		List<Long> fds = this.local.connections();
		String key = fdsKey();
		String aside = key + ":rewrite";
		Mono<Long> work = this.redis.delete(aside);
		for (int from = 0; from < fds.size(); from += UPDATE_BATCH) {
			List<String> chunk = fds.subList(from, Math.min(fds.size(), from + UPDATE_BATCH))
				.stream()
				.map((fd) -> "+" + fd)
				.toList();
			work = work.then(update(aside, chunk));
		}
		return work.then(this.redis.execute(ClusterKeys.REPLACE, List.of(aside, key), List.of(this.ttl)).next());
	}

}
