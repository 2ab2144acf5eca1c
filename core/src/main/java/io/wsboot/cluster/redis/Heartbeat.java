package io.wsboot.cluster.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.resource.ClientResources;
import io.wsboot.cluster.WebSocketClusterException;
import io.wsboot.cluster.redis.Membership.NodeView;
import io.wsboot.server.NettyWebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.Assert;

/**
 * A node's membership of the cluster in Redis: it joins (takes a number), beats
 * (refreshes its entry, reads the live nodes, checks its subscription, fetches the fds
 * that changed, and has the registry written) and leaves. Beats run one at a time on a
 * thread of their own, every heartbeat interval and at once when the Redis client reports
 * a lost or regained connection.
 */
final class Heartbeat {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	private final NettyWebSocketServer local;

	private final ReactiveStringRedisTemplate redis;

	private final ClusterKeys keys;

	private final ClusterSettings settings;

	private final @Nullable ClientResources clientResources;

	private final BusPublisher publisher;

	private final Membership membership;

	private final BusSubscription subscription;

	private final FdRegistry registry;

	private final ClusterErrors errors;

	private final Object monitor = new Object();

	private boolean beating;

	private boolean again;

	private volatile boolean stopped;

	private @Nullable Scheduler scheduler;

	private @Nullable Disposable task;

	private @Nullable Disposable redisEvents;

	Heartbeat(NettyWebSocketServer local, ReactiveStringRedisTemplate redis, ClusterKeys keys, ClusterSettings settings,
			@Nullable ClientResources clientResources, BusPublisher publisher, Membership membership,
			BusSubscription subscription, FdRegistry registry, ClusterErrors errors) {
		this.local = local;
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.clientResources = clientResources;
		this.publisher = publisher;
		this.membership = membership;
		this.subscription = subscription;
		this.registry = registry;
		this.errors = errors;
	}

	/**
	 * Take a node number from Redis and enter the registry, waiting up to the node
	 * timeout.
	 * @return the number
	 * @throws WebSocketClusterException when Redis does not answer in time or has no
	 * number left
	 */
	long join() {
		Duration timeout = this.settings.nodeTimeout();
		String nodeId = this.settings.nodeId();
		Long joined;
		try {
			joined = this.redis
				.execute(ClusterKeys.JOIN, List.of(this.keys.seq, this.keys.nodes),
						List.of(this.keys.nodePrefix, ClusterKeys.entry(0, 0, nodeId),
								Long.toString(timeout.toMillis()), nodeId))
				.next()
				.timeout(timeout)
				.block(timeout.plusSeconds(1));
		}
		catch (RuntimeException ex) {
			throw new WebSocketClusterException("Node " + nodeId + " could not join the WebSocket cluster: Redis "
					+ "did not answer within " + timeout + " (check spring.data.redis.*): "
					+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), ex);
		}
		Assert.state(joined != null && joined > 0, "Redis gave no node number");
		if (joined > ClusterSettings.MAX_NODE_NUMBER) {
			throw new WebSocketClusterException("Node number " + joined + " is above " + ClusterSettings.MAX_NODE_NUMBER
					+ ": reset the key " + this.keys.seq + " when no node runs");
		}
		this.membership.joined(joined);
		this.errors.joined();
		return joined;
	}

	/**
	 * Beat now, waiting a little, then every heartbeat interval.
	 */
	void start() {
		Scheduler scheduler = Schedulers.newSingle("wsboot-cluster", true);
		this.scheduler = scheduler;
		this.stopped = false;
		ClientResources resources = this.clientResources;
		if (resources != null) {
			this.redisEvents = resources.eventBus().get().subscribe(this::onRedisEvent, (ex) -> {
			});
		}
		beat().onErrorResume((ex) -> Mono.empty()).block(this.settings.requestTimeout().multipliedBy(3));
		long interval = this.settings.heartbeatInterval().toMillis();
		this.task = scheduler.schedulePeriodically(this::run, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Beat no more.
	 */
	void stop() {
		this.stopped = true;
		Disposable task = this.task;
		if (task != null) {
			task.dispose();
		}
		Disposable events = this.redisEvents;
		if (events != null) {
			events.dispose();
		}
	}

	/**
	 * Leave the registry and tell the other nodes, waiting a little; a node that cannot
	 * leave expires.
	 */
	void leave() {
		long number = this.membership.number();
		if (number == 0) {
			return;
		}
		Duration wait = Duration.ofSeconds(2);
		try {
			Mono.when(this.publisher.toAll(BusMessage.leave(number)), this.redis
				.execute(ClusterKeys.LEAVE, List.of(this.keys.node(number), this.keys.fds(number), this.keys.nodes),
						List.of(Long.toString(number)))
				.next()).timeout(wait).block(wait.plusSeconds(1));
		}
		catch (RuntimeException ex) {
			logger.info("Node " + this.settings.nodeId() + " could not leave the cluster cleanly (" + ex
					+ "): its entry expires within " + this.settings.nodeTimeout());
		}
	}

	/**
	 * Release the thread of the beats.
	 */
	void dispose() {
		Scheduler scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.dispose();
		}
	}

	/**
	 * Beat as soon as possible, after the beat under way if any.
	 */
	void request() {
		Scheduler scheduler = this.scheduler;
		if (scheduler != null && !this.stopped) {
			try {
				scheduler.schedule(this::run);
			}
			catch (RuntimeException ex) {
				// Disposed: stopping
			}
		}
	}

	private void onRedisEvent(Event event) {
		if (this.stopped) {
			return;
		}
		if (event instanceof DisconnectedEvent disconnected && !this.subscription.isResubscribing()) {
			this.errors.markUnavailable("connection to " + disconnected.remoteAddress() + " lost");
			request();
		}
		else if (event instanceof ConnectionActivatedEvent) {
			request();
		}
	}

	private void run() {
		synchronized (this.monitor) {
			if (this.beating) {
				this.again = true;
				return;
			}
			this.beating = true;
		}
		beat().subscribe(null, (ex) -> done(), this::done);
	}

	private void done() {
		boolean again;
		synchronized (this.monitor) {
			this.beating = false;
			again = this.again;
			this.again = false;
		}
		if (again) {
			request();
		}
	}

	/**
	 * Refresh this node's entry, read the live nodes, check the subscription, fetch the
	 * changed fd sets, then have the registry written.
	 */
	private Mono<Void> beat() {
		return Mono.defer(() -> {
			if (this.stopped) {
				return Mono.empty();
			}
			long number = this.membership.number();
			String nodeId = this.settings.nodeId();
			String entry = ClusterKeys.entry(this.local.stats().connections(), this.registry.version(), nodeId);
			return this.redis
				.execute(ClusterKeys.HEARTBEAT,
						List.of(this.keys.node(number), this.keys.fds(number), this.keys.nodes, this.keys.seq),
						List.of(entry, Long.toString(this.settings.nodeTimeout().toMillis()), Long.toString(number),
								nodeId, this.keys.nodePrefix, this.keys.fdsPrefix))
				.next()
				.timeout(this.settings.requestTimeout())
				.doOnNext(this::update)
				.then(Mono.defer(this.subscription::check))
				.then(Mono.defer(this::fetchChangedFds))
				.doOnSuccess((done) -> {
					if (this.errors.markAvailable()) {
						logger.info("Redis answers again: node " + nodeId + " (number " + number
								+ ") is back in the WebSocket cluster");
					}
					this.registry.kick();
				})
				.doOnError((ex) -> {
					this.errors.increment("heartbeat");
					this.errors.markUnavailable("heartbeat failed: " + ex);
					if (logger.isDebugEnabled()) {
						logger.debug("Heartbeat failed", ex);
					}
				});
		});
	}

	private void update(List<?> result) {
		if (this.membership.update(result) && this.registry.requestResync()) {
			logger.info("Node " + this.settings.nodeId() + " was missing from the cluster registry (expired, or "
					+ "Redis restarted): entering it again");
		}
	}

	private Mono<Void> fetchChangedFds() {
		List<NodeView> changed = this.membership.changed();
		if (changed.isEmpty()) {
			return Mono.empty();
		}
		return Flux.fromIterable(changed)
			.flatMap((node) -> this.redis.opsForSet()
				.members(this.keys.fds(node.number()))
				.collectList()
				.doOnNext((members) -> this.membership.fdsFetched(node.number(), node.version(), members)))
			.timeout(this.settings.requestTimeout())
			.then();
	}

}
