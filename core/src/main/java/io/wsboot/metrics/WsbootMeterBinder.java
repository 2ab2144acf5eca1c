package io.wsboot.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.wsboot.metrics.WebSocketCounters;
import io.wsboot.metrics.WebSocketCounters.Key;
import io.wsboot.metrics.WsbootMeters.CloseKeys;
import io.wsboot.metrics.WsbootMeters.HandshakeKeys;
import io.wsboot.metrics.WsbootMeters.MessageKeys;
import io.wsboot.server.NettyWebSocketServer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Binds the {@link WsbootMeters} of a {@link NettyWebSocketServer} to a registry. The
 * meters read the server's own counters ({@link FunctionCounter}, {@link Gauge}), so the
 * per-message path pays nothing for them.
 *
 * @since 0.1.0
 */
public class WsbootMeterBinder implements MeterBinder {

	private final NettyWebSocketServer server;

	private final Iterable<Tag> tags;

	/**
	 * Create a binder.
	 * @param server the server to measure
	 * @param tags tags added to every meter
	 */
	public WsbootMeterBinder(NettyWebSocketServer server, Iterable<Tag> tags) {
		Assert.notNull(server, "'server' must not be null");
		Assert.notNull(tags, "'tags' must not be null");
		this.server = server;
		this.tags = tags;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		WebSocketCounters counters = this.server.getCounters();
		Gauge.builder(WsbootMeters.CONNECTIONS_ACTIVE.getName(), this.server, (server) -> server.stats().connections())
			.description("Connections open now")
			.baseUnit(WsbootMeters.CONNECTIONS_ACTIVE.getBaseUnit())
			.tags(this.tags)
			.register(registry);
		Gauge.builder(WsbootMeters.TIMERS_ACTIVE.getName(), this.server, (server) -> server.stats().timers())
			.description("Active timers, global and connection-bound")
			.tags(this.tags)
			.register(registry);
		counter(registry, WsbootMeters.MESSAGES_RECEIVED.getName(), "Messages received", null,
				Tags.of(MessageKeys.TYPE.asString(), "text"), counters, WebSocketCounters::textReceived);
		counter(registry, WsbootMeters.MESSAGES_RECEIVED.getName(), "Messages received", null,
				Tags.of(MessageKeys.TYPE.asString(), "binary"), counters, WebSocketCounters::binaryReceived);
		counter(registry, WsbootMeters.MESSAGES_SENT.getName(), "Messages pushed", null,
				Tags.of(MessageKeys.TYPE.asString(), "text"), counters, WebSocketCounters::textSent);
		counter(registry, WsbootMeters.MESSAGES_SENT.getName(), "Messages pushed", null,
				Tags.of(MessageKeys.TYPE.asString(), "binary"), counters, WebSocketCounters::binarySent);
		counter(registry, WsbootMeters.BYTES_RECEIVED.getName(), "Payload bytes received",
				WsbootMeters.BYTES_RECEIVED.getBaseUnit(), Tags.empty(), counters, WebSocketCounters::bytesReceived);
		counter(registry, WsbootMeters.BYTES_SENT.getName(), "Payload bytes pushed",
				WsbootMeters.BYTES_SENT.getBaseUnit(), Tags.empty(), counters, WebSocketCounters::bytesSent);
		counter(registry, WsbootMeters.PUSH_DROPPED.getName(), "Pushes not sent", null, Tags.empty(), counters,
				WebSocketCounters::pushDropped);
		counters.setKeyListener((kind, key, adder) -> {
			if (kind == Key.HANDSHAKE_STATUS) {
				Tags tags = Tags.of(HandshakeKeys.OUTCOME.asString(), HandshakeKeys.outcome(key),
						HandshakeKeys.STATUS.asString(), keyTag(key));
				counter(registry, WsbootMeters.HANDSHAKES.getName(), "WebSocket handshakes", null, tags, adder,
						LongAdder::sum);
			}
			else {
				Tags tags = Tags.of(CloseKeys.CODE.asString(), keyTag(key));
				counter(registry, WsbootMeters.CONNECTIONS_CLOSED.getName(), "Connections closed", null, tags, adder,
						LongAdder::sum);
			}
		});
	}

	private static String keyTag(int key) {
		return (key != WebSocketCounters.OTHER) ? String.valueOf(key) : "other";
	}

	private <T> void counter(MeterRegistry registry, String name, String description, @Nullable String baseUnit,
			Tags tags, T source, ToDoubleFunction<T> count) {
		FunctionCounter.builder(name, source, count)
			.description(description)
			.baseUnit(baseUnit)
			.tags(tags.and(this.tags))
			.register(registry);
	}

}
