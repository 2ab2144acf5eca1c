package io.wsboot.cluster.redis;

import java.nio.ByteBuffer;
import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Publishes {@link BusMessage}s on the cluster's channels.
 */
final class BusPublisher {

	private final ReactiveStringRedisTemplate redis;

	private final ClusterKeys keys;

	private final Duration timeout;

	BusPublisher(ReactiveStringRedisTemplate redis, ClusterKeys keys, Duration timeout) {
		this.redis = redis;
		this.keys = keys;
		this.timeout = timeout;
	}

	/**
	 * Publish a message to one node.
	 * @param node the node's number
	 * @param message the encoded message
	 * @return the number of subscribers that received it, failing after the request
	 * timeout
	 */
	Mono<Long> toNode(long node, byte[] message) {
		return publish(this.keys.channel(node), message);
	}

	/**
	 * Publish a message to every node, this one included.
	 * @param message the encoded message
	 * @return the number of subscribers that received it, failing after the request
	 * timeout
	 */
	Mono<Long> toAll(byte[] message) {
		return publish(this.keys.allChannel, message);
	}

	private Mono<Long> publish(byte[] channel, byte[] message) {
		return this.redis.execute(
				(connection) -> connection.pubSubCommands().publish(ByteBuffer.wrap(channel), ByteBuffer.wrap(message)))
			.next()
			.timeout(this.timeout);
	}

}
