package io.wsboot.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.docs.MeterDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * The meters of wsboot. The server's are registered at startup; the cluster's
 * ({@code wsboot.cluster.*}) at startup of a node, when
 * {@code wsboot.cluster.enabled=true}.
 *
 * @since 0.1.0
 */
public enum WsbootMeters implements MeterDocumentation {

	/**
	 * Connections open now (established or closing).
	 */
	CONNECTIONS_ACTIVE("wsboot.connections.active", Meter.Type.GAUGE, BaseUnits.CONNECTIONS),

	/**
	 * Handshakes by outcome and HTTP status. Requests that Reactor Netty refuses before
	 * WebFlux sees them (431 for oversized headers) are not counted.
	 */
	HANDSHAKES("wsboot.handshakes", Meter.Type.COUNTER, null, HandshakeKeys.values()),

	/**
	 * Messages received by type.
	 */
	MESSAGES_RECEIVED("wsboot.messages.received", Meter.Type.COUNTER, null, MessageKeys.values()),

	/**
	 * Messages pushed by type (broadcasts count once per connection).
	 */
	MESSAGES_SENT("wsboot.messages.sent", Meter.Type.COUNTER, null, MessageKeys.values()),

	/**
	 * Payload bytes received in messages.
	 */
	BYTES_RECEIVED("wsboot.bytes.received", Meter.Type.COUNTER, BaseUnits.BYTES),

	/**
	 * Payload bytes pushed.
	 */
	BYTES_SENT("wsboot.bytes.sent", Meter.Type.COUNTER, BaseUnits.BYTES),

	/**
	 * Pushes not sent: connection unknown or closing, or its send buffer full.
	 */
	PUSH_DROPPED("wsboot.push.dropped", Meter.Type.COUNTER, null),

	/**
	 * Connections closed, by close code (1006 when no close frame was exchanged).
	 */
	CONNECTIONS_CLOSED("wsboot.connections.closed", Meter.Type.COUNTER, null, CloseKeys.values()),

	/**
	 * Active timers, global and connection-bound.
	 */
	TIMERS_ACTIVE("wsboot.timers.active", Meter.Type.GAUGE, null),

	/**
	 * Cross-node operations that failed (Redis unavailable, no answer in time), upkeep
	 * that failed, and bus messages dropped as invalid, by operation.
	 */
	CLUSTER_ERRORS("wsboot.cluster.errors", Meter.Type.COUNTER, null, ClusterErrorKeys.values()),

	/**
	 * Nodes alive at the last heartbeat, this one included.
	 */
	CLUSTER_NODES("wsboot.cluster.nodes", Meter.Type.GAUGE, null);

	private final String name;

	private final Meter.Type type;

	private final @Nullable String baseUnit;

	private final KeyName[] keyNames;

	WsbootMeters(String name, Meter.Type type, @Nullable String baseUnit, KeyName... keyNames) {
		this.name = name;
		this.type = type;
		this.baseUnit = baseUnit;
		this.keyNames = keyNames;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Meter.Type getType() {
		return this.type;
	}

	@Override
	public @Nullable String getBaseUnit() {
		return this.baseUnit;
	}

	@Override
	public KeyName[] getKeyNames() {
		return this.keyNames.clone();
	}

	/**
	 * Tags of {@link #HANDSHAKES}.
	 */
	public enum HandshakeKeys implements KeyName {

		/**
		 * {@code accepted} or {@code rejected}.
		 */
		OUTCOME("outcome"),

		/**
		 * The HTTP status as text, {@code 101} for accepted handshakes.
		 */
		STATUS("status");

		private final String key;

		HandshakeKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

		/**
		 * Return the value of {@link #OUTCOME} for a handshake answered with a status.
		 * @param status the HTTP status
		 * @return {@code accepted} for 101, else {@code rejected}
		 */
		public static String outcome(int status) {
			return (status == 101) ? "accepted" : "rejected";
		}

	}

	/**
	 * Tags of {@link #MESSAGES_RECEIVED} and {@link #MESSAGES_SENT}.
	 */
	public enum MessageKeys implements KeyName {

		/**
		 * {@code text} or {@code binary}.
		 */
		TYPE("type");

		private final String key;

		MessageKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * Tags of {@link #CONNECTIONS_CLOSED}.
	 */
	public enum CloseKeys implements KeyName {

		/**
		 * The close code as text.
		 */
		CODE("code");

		private final String key;

		CloseKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * Tags of {@link #CLUSTER_ERRORS}.
	 */
	public enum ClusterErrorKeys implements KeyName {

		/**
		 * {@code push}, {@code disconnect}, {@code exists}, {@code broadcast},
		 * {@code heartbeat}, {@code registry}, {@code subscription} or {@code malformed}.
		 */
		OPERATION("operation");

		private final String key;

		ClusterErrorKeys(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
