package io.wsboot.cluster.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.wsboot.Opcode;
import io.wsboot.cluster.redis.BusMessage.MalformedBusMessageException;
import io.wsboot.server.NettyWebSocketServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.ReactiveSubscription.Message;

/**
 * What a node does with each message of the bus: decode and check it, act on this node's
 * connections, answer requests, take answers to its own, and forget nodes that left. A
 * malformed message is counted and dropped, with a warning at most every ten seconds.
 */
final class BusHandler {

	private static final Log logger = LogFactory.getLog(ClusterWebSocketServer.class);

	private static final long MALFORMED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final NettyWebSocketServer local;

	private final Membership membership;

	private final RemoteCalls calls;

	private final ClusterErrors errors;

	private final int maxMessageSize;

	private final AtomicLong lastMalformedLog = new AtomicLong(System.nanoTime() - MALFORMED_LOG_INTERVAL_NANOS);

	private final AtomicLong malformedSinceLog = new AtomicLong();

	BusHandler(NettyWebSocketServer local, Membership membership, RemoteCalls calls, ClusterErrors errors,
			int maxMessageSize) {
		this.local = local;
		this.membership = membership;
		this.calls = calls;
		this.errors = errors;
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Handle a message received on one of this node's channels. Runs on a thread of the
	 * Redis client.
	 * @param message the message
	 */
	void receive(Message<ByteBuffer, ByteBuffer> message) {
		BusMessage bus;
		try {
			bus = BusMessage.decode(message.getMessage(), this.maxMessageSize);
		}
		catch (MalformedBusMessageException ex) {
			malformed(message.getChannel(), ex.getMessage());
			return;
		}
		try {
			handle(bus);
		}
		catch (MalformedBusMessageException ex) {
			malformed(message.getChannel(), ex.getMessage());
		}
		catch (RuntimeException ex) {
			this.errors.increment("malformed");
			logger.error("Cluster message of type " + bus.type + " from node " + bus.origin + " failed", ex);
		}
	}

	private void handle(BusMessage message) {
		switch (message.type) {
			case PUSH -> {
				checkOwn(message.fd);
				boolean queued = this.local.push(message.fd, message.payload, message.opcode, message.finish);
				reply(message, queued ? 1 : 0, "push");
			}
			case PUSH_MANY -> {
				for (long fd : message.fds) {
					checkOwn(fd);
				}
				for (long fd : message.fds) {
					this.local.push(fd, message.payload, message.opcode, true);
				}
			}
			case DISCONNECT -> {
				checkOwn(message.fd);
				boolean closed = this.local.disconnect(message.fd, message.code, message.text());
				reply(message, closed ? 1 : 0, "disconnect");
			}
			case BROADCAST -> {
				if (message.origin == this.membership.number()) {
					// The sender pushed to its own connections before publishing
					if (message.requestId != 0) {
						this.calls.answered(message.requestId, 0);
					}
					return;
				}
				int count = (message.opcode == Opcode.TEXT) ? this.local.broadcast(message.text())
						: this.local.broadcast(message.payload);
				reply(message, count, "broadcast");
			}
			case REPLY -> this.calls.answered(message.requestId, message.value);
			case LEAVE -> {
				if (message.origin != this.membership.number()) {
					this.membership.remove(message.origin);
				}
			}
			case PROBE -> {
			}
		}
	}

	private void checkOwn(long fd) {
		if (!this.membership.isLocal(fd)) {
			throw new MalformedBusMessageException("fd " + fd + " of another node");
		}
	}

	private void reply(BusMessage message, long value, String operation) {
		if (message.requestId == 0) {
			return;
		}
		long number = this.membership.number();
		if (message.origin == number) {
			this.calls.answered(message.requestId, value);
			return;
		}
		this.calls.sendTo(message.origin, BusMessage.reply(number, message.requestId, value), operation);
	}

	private void malformed(ByteBuffer channel, @Nullable String reason) {
		this.errors.increment("malformed");
		long dropped = this.malformedSinceLog.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastMalformedLog.get();
		if (now - last >= MALFORMED_LOG_INTERVAL_NANOS && this.lastMalformedLog.compareAndSet(last, now)) {
			this.malformedSinceLog.addAndGet(-dropped);
			logger.warn(
					"Malformed cluster message on " + StandardCharsets.UTF_8.decode(channel.duplicate()) + " dropped: "
							+ reason + ((dropped > 1) ? " (" + dropped + " dropped since the last warning)" : ""));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Malformed cluster message dropped: " + reason);
		}
	}

}
