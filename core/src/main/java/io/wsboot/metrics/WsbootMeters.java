package io.wsboot.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.docs.MeterDocumentation;

/**
 * The meters of the wsboot WebSocket server. All are registered at startup.
 *
 * @since 0.1.0
 */
public enum WsbootMeters implements MeterDocumentation {

	/**
	 * Connections open now (established or closing).
	 */
	CONNECTIONS_ACTIVE {
		@Override
		public String getName() {
			return "wsboot.connections.active";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}

		@Override
		public String getBaseUnit() {
			return BaseUnits.CONNECTIONS;
		}
	},

	/**
	 * Handshakes by outcome and HTTP status. Requests that Reactor Netty refuses before
	 * WebFlux sees them (431 for oversized headers) are not counted.
	 */
	HANDSHAKES {
		@Override
		public String getName() {
			return "wsboot.handshakes";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return HandshakeKeys.values();
		}
	},

	/**
	 * Messages received by type.
	 */
	MESSAGES_RECEIVED {
		@Override
		public String getName() {
			return "wsboot.messages.received";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return MessageKeys.values();
		}
	},

	/**
	 * Messages pushed by type (broadcasts count once per connection).
	 */
	MESSAGES_SENT {
		@Override
		public String getName() {
			return "wsboot.messages.sent";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return MessageKeys.values();
		}
	},

	/**
	 * Payload bytes received in messages.
	 */
	BYTES_RECEIVED {
		@Override
		public String getName() {
			return "wsboot.bytes.received";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public String getBaseUnit() {
			return BaseUnits.BYTES;
		}
	},

	/**
	 * Payload bytes pushed.
	 */
	BYTES_SENT {
		@Override
		public String getName() {
			return "wsboot.bytes.sent";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public String getBaseUnit() {
			return BaseUnits.BYTES;
		}
	},

	/**
	 * Pushes not sent: connection unknown or closing, or its send buffer full.
	 */
	PUSH_DROPPED {
		@Override
		public String getName() {
			return "wsboot.push.dropped";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}
	},

	/**
	 * Connections closed, by close code (1006 when no close frame was exchanged).
	 */
	CONNECTIONS_CLOSED {
		@Override
		public String getName() {
			return "wsboot.connections.closed";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.COUNTER;
		}

		@Override
		public KeyName[] getKeyNames() {
			return CloseKeys.values();
		}
	},

	/**
	 * Active timers, global and connection-bound.
	 */
	TIMERS_ACTIVE {
		@Override
		public String getName() {
			return "wsboot.timers.active";
		}

		@Override
		public Meter.Type getType() {
			return Meter.Type.GAUGE;
		}
	};

	/**
	 * Tags of {@link #HANDSHAKES}.
	 */
	public enum HandshakeKeys implements KeyName {

		/**
		 * {@code accepted} or {@code rejected}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * The HTTP status as text, {@code 101} for accepted handshakes.
		 */
		STATUS {
			@Override
			public String asString() {
				return "status";
			}
		}

	}

	/**
	 * Tags of {@link #MESSAGES_RECEIVED} and {@link #MESSAGES_SENT}.
	 */
	public enum MessageKeys implements KeyName {

		/**
		 * {@code text} or {@code binary}.
		 */
		TYPE {
			@Override
			public String asString() {
				return "type";
			}
		}

	}

	/**
	 * Tags of {@link #CONNECTIONS_CLOSED}.
	 */
	public enum CloseKeys implements KeyName {

		/**
		 * The close code as text.
		 */
		CODE {
			@Override
			public String asString() {
				return "code";
			}
		}

	}

}
